#include <catch2/catch.hpp>

#include "ctl/format.hpp"

using namespace agora::ctl;

TEST_CASE("a table pads columns, right-aligns numbers and prints null as a dash", "[ctl]") {
  auto t = table({"NODE", "SHARDS", "ROLE"}, {{"node-a", "21", "orders"}, {"b", "7", "-"}});
  CHECK(t
        == "NODE    SHARDS  ROLE\n"
           "node-a      21  orders\n"
           "b            7  -\n");
  CHECK(cell(json(nullptr)) == "-");
  CHECK(cell(json::array({"orders", "payment"})) == "orders,payment");
  CHECK(cell(json(42)) == "42");
}

TEST_CASE("a table measures UTF-8 text by characters, not bytes", "[ctl]") {
  auto t = table({"NAME", "N"}, {{"Zoë", "1"}, {"Ann", "22"}});
  CHECK(t == "NAME   N\nZoë    1\nAnn   22\n");
}

TEST_CASE("the p99 between two samples interpolates within its bucket", "[ctl]") {
  std::vector<double> le{0.01, 0.1, 1.0};
  // 100 requests between the samples: 90 under 10 ms, 9 under 100 ms, 1 under 1 s.
  std::vector<int64_t> before{10, 10, 10, 10};
  std::vector<int64_t> after{100, 109, 110, 110};
  auto p50 = quantile(le, before, after, 0.5);
  REQUIRE(p50);
  CHECK(*p50 == Approx(0.01 * 50.0 / 90.0));
  auto p99 = quantile(le, before, after, 0.99);
  REQUIRE(p99);
  CHECK(*p99 == Approx(0.1));                    // the 99th of 100 is the last under 100 ms
  CHECK_FALSE(quantile(le, after, after, 0.99)); // nothing observed between them
  CHECK(*quantile(le, {}, {0, 0, 0, 5}, 0.5) == Approx(1.0)); // beyond the last bound
  CHECK_FALSE(quantile(le, {}, {1, 2}, 0.5));                 // a malformed sample
}

TEST_CASE("durations read as people say them", "[ctl]") {
  CHECK(duration_text(850) == "850ms");
  CHECK(duration_text(12500) == "12.5s");
  CHECK(duration_text(200000) == "3m20s");
  CHECK(duration_text(7500000) == "2h05m");
  CHECK(duration_text(-1) == "-");
}

TEST_CASE("top turns two samples into orders per second and a p99 per node", "[ctl]") {
  auto sample = [](const char* at, int orders, std::vector<int64_t> counts) {
    return json{{"nodes",
                 {{{"node", "node-a"},
                   {"at", at},
                   {"orders_created", orders},
                   {"requests", counts.back()},
                   {"latency_seconds", {{"le", {0.01, 0.1}}, {"counts", counts}}},
                   {"live_actors", 12},
                   {"actors", {{"order", 10}, {"inventory", 2}}}}}},
                {"missing", json::array()}};
  };
  auto first = sample("2026-12-02T10:00:00.000Z", 100, {50, 60, 60});
  auto second = sample("2026-12-02T10:00:02.000Z", 300, {250, 260, 260});
  auto screen = top_screen(first, second);
  INFO(screen);
  CHECK(screen.find("node-a     100.0  100.0") != std::string::npos); // 200 orders in 2 s
  CHECK(screen.find("cluster: 100.0 orders/s") != std::string::npos);
  CHECK(screen.find("order          10") != std::string::npos);
  auto alone = top_screen(nullptr, first); // the first screen: no rate yet
  CHECK(alone.find("node-a         -      -") != std::string::npos);
}

TEST_CASE("a replay screen says whether the projection matches, and where not", "[ctl]") {
  json r{
    {"events",
     {{{"seq", 1},
       {"event", {{"type", "ORDER_CREATED"}, {"at", "2026-12-02T10:00:00.000Z"}}},
       {"state_after", {{"status", "PENDING"}, {"owes", {"reserve_stock"}}, {"settled", false}}}}}},
    {"matches", false},
    {"differences", {{{"field", "status"}, {"replayed", "PENDING"}, {"stored", "PAID"}}}}};
  auto s = replay_screen(r);
  CHECK(s.find("ORDER_CREATED  10:00:00  PENDING       reserve_stock") != std::string::npos);
  CHECK(s.find("projection DIFFERS") != std::string::npos);
  CHECK(s.find("status  PENDING   PAID") != std::string::npos);
  r["matches"] = true;
  CHECK(replay_screen(r).find("projection: matches") != std::string::npos);
}
