#include "actors/domain/inventory_shard.hpp"

#include <catch2/catch.hpp>

using namespace agora::domain;

namespace {

/// A shard with product 3: 10 on hand, alerts at 2.
inventory_shard_state shard() {
  inventory_shard_state s;
  s.products[3] = {3, "SKU-3", "Lamp", "", 1500, "USD"};
  s.levels[3] = {3, 10, 0, 2, true};
  return s;
}

/// Decides and applies, returning the decision.
stock_decision run(inventory_shard_state& s, const stock_command& c, int64_t now = 1000) {
  auto d = decide(s, c, now);
  for (auto& e : d.events)
    apply(s, e);
  return d;
}

stock_cmd::reserve reserve(const std::string& order, int32_t n) {
  return {order, {{3, n, 1500}}};
}

} // namespace

TEST_CASE("a reserve holds every item or none, and a retry answers the same", "[shard]") {
  auto s = shard();
  auto d = run(s, reserve("ord_a", 4));
  CHECK(d.held);
  REQUIRE(d.events.size() == 1);
  CHECK(d.events[0].type == stock_event_type::held);
  CHECK(s.levels[3].reserved == 4);
  CHECK(s.holds["ord_a"].status == hold_status::held);
  auto again = run(s, reserve("ord_a", 4));
  CHECK(again.held);
  CHECK(again.events.empty());
  CHECK(s.levels[3].reserved == 4);
  auto short_ = run(s, reserve("ord_b", 7));
  CHECK_FALSE(short_.held);
  CHECK(short_.short_products == std::vector<int64_t>{3});
  CHECK(short_.events.empty());
  auto unknown = run(s, stock_cmd::reserve{"ord_c", {{99, 1, 0}}});
  CHECK(unknown.short_products == std::vector<int64_t>{99});
}

TEST_CASE("release and commit finish a hold once", "[shard]") {
  auto s = shard();
  run(s, reserve("ord_a", 4));
  run(s, reserve("ord_b", 3));
  CHECK(run(s, stock_cmd::release{"ord_a"}).events.size() == 1);
  CHECK(run(s, stock_cmd::release{"ord_a"}).events.empty()); // done before
  CHECK(run(s, stock_cmd::commit{"ord_b"}).events.size() == 1);
  CHECK(run(s, stock_cmd::commit{"ord_b"}).events.empty());
  CHECK(s.levels[3].on_hand == 7);
  CHECK(s.levels[3].reserved == 0);
  CHECK(s.holds["ord_a"].status == hold_status::released);
  CHECK(s.holds["ord_a"].items.empty()); // a finished hold keeps only its status
  CHECK(s.holds["ord_b"].status == hold_status::committed);
  CHECK(run(s, stock_cmd::commit{"ord_none"}).events.empty()); // nothing held here: done
}

TEST_CASE("a release before the reserve leaves a tombstone that refuses the reserve", "[shard]") {
  auto s = shard();
  auto d = run(s, stock_cmd::release{"ord_late"});
  REQUIRE(d.events.size() == 1);
  CHECK(d.events[0].tombstone);
  auto late = run(s, reserve("ord_late", 1));
  CHECK_FALSE(late.held);
  CHECK(late.events.empty());
  CHECK(s.levels[3].reserved == 0);
}

TEST_CASE("admin levels never fall below what is reserved", "[shard]") {
  auto s = shard();
  run(s, reserve("ord_a", 6));
  auto d = run(s, stock_cmd::set_levels{3, 5, std::nullopt});
  CHECK(d.refused == refusal::conflict);
  CHECK(d.why == "on_hand 5 would fall below reserved 6");
  CHECK(run(s, stock_cmd::set_levels{99, 5, std::nullopt}).refused == refusal::not_found);
  auto ok = run(s, stock_cmd::set_levels{3, 8, 1});
  REQUIRE(ok.refused == refusal::none);
  CHECK(ok.events[0].before == 10);
  CHECK(s.levels[3].on_hand == 8);
  CHECK(s.levels[3].low_stock_threshold == 1);
  CHECK(run(s, stock_cmd::restock{99, 1}).refused == refusal::not_found);
}

TEST_CASE("stock goes past 32 bits up to max_units and is refused beyond", "[shard]") {
  auto s = shard();
  for (int i = 0; i < 2148; ++i)
    REQUIRE(run(s, stock_cmd::restock{3, 1'000'000}).refused == refusal::none);
  CHECK(s.levels[3].on_hand == 2'148'000'010);
  CHECK(s.levels[3].available() > 2'147'483'647);
  REQUIRE(run(s, stock_cmd::set_levels{3, max_units, std::nullopt}).refused == refusal::none);
  auto over = run(s, stock_cmd::restock{3, 1});
  CHECK(over.refused == refusal::conflict);
  CHECK(s.levels[3].on_hand == max_units);
  CHECK(run(s, stock_cmd::set_levels{3, max_units + 1, std::nullopt}).refused == refusal::conflict);
  CHECK(run(s, stock_cmd::set_levels{3, std::nullopt, max_units + 1}).refused == refusal::conflict);
}

TEST_CASE("a fall to the threshold alerts once, and a restock above it re-arms", "[shard]") {
  auto s = shard();
  auto fall = run(s, reserve("ord_a", 8)); // 2 available: at the threshold
  REQUIRE(fall.events.size() == 2);
  CHECK(fall.events[1].type == stock_event_type::alert_raised);
  CHECK(fall.events[1].alerts == 1);
  CHECK(fall.events[1].level.available() == 2);
  CHECK_FALSE(s.levels[3].low_alert_armed);
  CHECK(run(s, reserve("ord_b", 1)).events.size() == 1); // no second alert
  auto restock = run(s, stock_cmd::restock{3, 20});
  REQUIRE(restock.events.size() == 2);
  CHECK(restock.events[1].type == stock_event_type::alert_rearmed);
  CHECK(s.levels[3].low_alert_armed);
  auto again = run(s, reserve("ord_c", 20)); // 1 available: the second alert
  REQUIRE(again.events.size() == 2);
  CHECK(again.events[1].alerts == 2);
  CHECK(s.alerts[3] == 2);
}

TEST_CASE("a shard replayed from its events equals the live one", "[shard]") {
  auto live = shard();
  std::vector<stock_event> journal;
  for (auto c : std::vector<stock_command>{reserve("ord_a", 8), stock_cmd::release{"ord_x"},
                                           stock_cmd::commit{"ord_a"}, stock_cmd::restock{3, 5},
                                           reserve("ord_b", 3), stock_cmd::release{"ord_b"}}) {
    auto d = run(live, c);
    journal.insert(journal.end(), d.events.begin(), d.events.end());
  }
  auto replayed = shard();
  for (auto& e : journal)
    apply(replayed, e);
  CHECK(replayed.levels[3].on_hand == live.levels[3].on_hand);
  CHECK(replayed.levels[3].reserved == live.levels[3].reserved);
  CHECK(replayed.levels[3].low_alert_armed == live.levels[3].low_alert_armed);
  CHECK(replayed.alerts == live.alerts);
  CHECK(replayed.holds.size() == live.holds.size());
}

TEST_CASE("finished holds are forgotten after the hold memory, live ones never", "[shard]") {
  auto s = shard();
  run(s, reserve("ord_a", 1), 1000);
  run(s, reserve("ord_b", 1), 1000);
  run(s, stock_cmd::release{"ord_b"}, 2000);
  forget_finished(s, 2001);
  CHECK(s.holds.count("ord_a") == 1);
  CHECK(s.holds.count("ord_b") == 0);
}

TEST_CASE("a release or commit waits for a hold that is only ahead", "[shard]") {
  auto durable = shard();
  auto ahead = durable;
  run(ahead, reserve("ord_a", 1));
  CHECK(finishes_hold_in_flight(stock_cmd::release{"ord_a"}, durable, ahead));
  CHECK(finishes_hold_in_flight(stock_cmd::commit{"ord_a"}, durable, ahead));
  CHECK_FALSE(finishes_hold_in_flight(stock_cmd::release{"ord_b"}, durable, ahead));
  CHECK_FALSE(finishes_hold_in_flight(reserve("ord_a", 1), durable, ahead));
  run(durable, reserve("ord_a", 1));
  CHECK_FALSE(finishes_hold_in_flight(stock_cmd::release{"ord_a"}, durable, ahead));
}
