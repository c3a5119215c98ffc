#include "tests/support/agora_node.hpp"
#include "tests/support/orders.hpp"
#include "tests/support/pg.hpp"
#include "tests/support/wait.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <csignal>
#include <mutex>
#include <thread>

using namespace agora::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

/// Runs `per_thread` calls of `fn(thread, i)` on each of `threads` threads and joins them.
template <class Fn>
void in_parallel(int threads, int per_thread, Fn fn) {
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i)
        fn(t, i);
    });
  for (auto& th : pool)
    th.join();
}

} // namespace

TEST_CASE("many concurrent orders for scarce stock sell exactly the stock", "[e2e][concurrency]") {
  agora_node node{{"--shipping-step-seconds=0"}};
  REQUIRE(
    node.send("PUT", "/inventory/14", {{"on_hand", 20}, {"low_stock_threshold", 0}}, true).status
    == 200);
  std::mutex mutex;
  std::map<std::string, int> outcomes;
  in_parallel(8, 10, [&](int, int) {
    auto r = place_order(node, order_body(14, 1), 20);
    std::lock_guard<std::mutex> guard{mutex};
    ++outcomes[r.status == 201 ? json_of(r)["status"].get<std::string>()
                               : std::to_string(r.status)];
  });
  INFO(json(outcomes).dump());
  CHECK(outcomes["PAID"] == 20);
  CHECK(outcomes["REJECTED"] == 60);
  auto levels = json_of(node.get("/inventory/14"));
  CHECK(levels["on_hand"] == 20);
  CHECK(levels["reserved"] == 20);
  CHECK(levels["available"] == 0);
  CHECK(sql_value(node.db, "SELECT count(*) FROM holds WHERE status = 'HELD'") == "20");
  CHECK(sql_value(node.db, "SELECT sum(quantity) FROM reservations r JOIN holds h USING (order_id, "
                           "shard) WHERE h.status = 'HELD'")
        == "20");
}

TEST_CASE("kill -9 with orders in flight loses no accepted order and no stock", "[e2e][recovery]") {
  auto db = fresh_database();
  std::vector<int64_t> products{15, 16, 17, 18};
  std::map<int64_t, int> initial;
  std::mutex mutex;
  std::vector<std::string> accepted;
  {
    agora_node node{{"--shipping-step-seconds=1", "--node-id=crashing"}, db};
    for (auto p : products) {
      REQUIRE(node.send("PUT", "/inventory/" + std::to_string(p), {{"on_hand", 5000}}, true).status
              == 200);
      initial[p] = 5000;
    }
    std::atomic<bool> killed{false};
    in_parallel(4, 100, [&](int t, int i) {
      if (killed)
        return;
      auto r = place_order(node, order_body(products[(t + i) % 4], 1 + i % 3));
      std::lock_guard<std::mutex> guard{mutex};
      if (r.status == 202)
        accepted.push_back(json_of(r)["id"]);
      if (accepted.size() == 200 && !killed) {
        ::kill(node.process->pid(), SIGKILL); // mid-flight: sagas are half way
        killed = true;
      }
    });
    REQUIRE(killed);
    REQUIRE(node.process->wait_exit() == -SIGKILL);
  }
  CHECK(accepted.size() >= 200);
  auto unfinished = [&] {
    return sql_value(db, "SELECT count(*) FROM orders WHERE status NOT IN ('DELIVERED', "
                         "'CANCELLED', 'REJECTED') OR NOT settled");
  };
  INFO("unfinished at the crash: " << unfinished());
  agora_node restarted{{"--shipping-step-seconds=1", "--node-id=crashing"}, db};
  REQUIRE(wait_until(
    [&] {
      return unfinished() == "0";
    },
    60s));
  // Every accepted order is there and finished; none was charged twice; stock adds up.
  for (auto& id : accepted) {
    auto o = json_of(restarted.get("/orders/" + id));
    INFO(id);
    CHECK(o["status"] == "DELIVERED");
  }
  // Orders committed just before the kill may never have had their 202 delivered: they exist
  // and finish too, so the database holds at least the accepted ones.
  auto orders = std::stoul(sql_value(db, "SELECT count(*) FROM orders"));
  CHECK(orders >= accepted.size());
  CHECK(orders <= accepted.size() + 16); // at most what was in flight
  CHECK(sql_value(db, "SELECT count(*) FROM payments WHERE status = 'CAPTURED'")
        == std::to_string(orders));
  CHECK(sql_value(db, "SELECT count(*) FROM (SELECT order_id FROM payments GROUP BY order_id "
                      "HAVING count(*) > 1) twice")
        == "0");
  CHECK(sql_value(db, "SELECT count(*) FROM orders o WHERE (SELECT count(*) FROM order_events e "
                      "WHERE e.order_id = o.id) <> o.version")
        == "0");
  for (auto p : products) {
    auto sold = sql_value(db, "SELECT coalesce(sum(r.quantity), 0) FROM reservations r JOIN holds "
                              "h USING (order_id, shard) WHERE h.status = 'COMMITTED' AND "
                              "r.product_id = "
                                + std::to_string(p));
    auto levels = json_of(restarted.get("/inventory/" + std::to_string(p)));
    CHECK(levels["reserved"] == 0);
    CHECK(levels["on_hand"].get<int64_t>() + std::stoll(sold) == initial[p]);
  }
  CHECK(sql_value(db, "SELECT count(*) FROM notifications WHERE type = 'ORDER_CREATED'")
        == std::to_string(orders));
  CHECK(sql_value(db, "SELECT count(*) FROM notifications WHERE type = 'SHIPMENT_DELIVERED'")
        == std::to_string(orders));
}
