#include "actors/inventory.hpp"
#include "runtime/base/actor_registry.hpp"
#include "runtime/base/metrics.hpp"
#include "tests/support/deterministic.hpp"
#include "tests/support/stand_ins.hpp"

#include <caf/send.hpp>
#include <catch2/catch.hpp>

// An inventory shard on CAF's test coordinator with a stand-in store: replies and writes, and
// what a failed write does to the commands decided on top of it.

using namespace agora;
using namespace agora::protocol;
using domain::stock_event_type;

namespace {

struct fixture : test::deterministic {
  metrics::hub hub{"test", "n1"};
  actor_registry registry{"n1", hub.registry()};
  std::shared_ptr<test::stock_store_stand_in> store =
    std::make_shared<test::stock_store_stand_in>();
  inventory_store_actor store_actor = test::spawn_stock_store(sys(), store);
  inventory_actor shard;

  explicit fixture(size_t writes_in_flight = 4) {
    test::stock_one_lamp(*store); // product 3 (shard 3 of 8): 5 on hand, alerts at 1
    actors::inventory_options options;
    options.ops_email = "ops@example.com";
    options.writes_in_flight = writes_in_flight;
    shard = actors::spawn_inventory_shard(sys(), 3, store->snapshot, store_actor, options, registry,
                                          hub.registry());
    run();
  }

  ~fixture() {
    caf::anon_send_exit(shard, caf::exit_reason::user_shutdown);
    stop();
  }

  std::shared_ptr<test::answer<reserve_reply>> reserve(const std::string& order, int32_t n) {
    auto r = request<reserve_reply>(shard, reserve_atom_v, order,
                                    std::vector<domain::line_item>{{3, n, 1500}});
    run();
    return r;
  }

  std::string levels() {
    auto r = request<domain::stock_level>(shard, get_atom_v, int64_t{3});
    run();
    REQUIRE(r->value);
    return std::to_string(r->value->on_hand) + "/" + std::to_string(r->value->reserved);
  }
};

} // namespace

TEST_CASE("a shard answers a reserve once its hold is written", "[entity][inventory]") {
  fixture f;
  f.store->auto_land = false;
  auto r = f.reserve("ord_a", 2);
  REQUIRE(f.store->appends.size() == 1);
  auto& w = f.store->appends[0];
  CHECK(w.token.shard == 3);
  REQUIRE(w.events.size() == 1);
  CHECK(w.events[0].type == stock_event_type::held);
  CHECK(w.events[0].order_id == "ord_a");
  CHECK_FALSE(r->answered());
  CHECK(f.levels() == "5/0"); // reads see what is durable
  test::land(f.store_actor, 0, true);
  f.run();
  REQUIRE(r->value);
  CHECK(r->value->ok);
  CHECK(f.levels() == "5/2");
  auto again = f.reserve("ord_a", 2); // a retry: the first answer stands, nothing is written
  REQUIRE(again->value);
  CHECK(again->value->ok);
  CHECK(f.store->appends.size() == 1);
}

TEST_CASE("a failed write fails its commands, and the shard reloads once its writes landed",
          "[entity][inventory]") {
  fixture f;
  f.store->auto_land = false;
  auto first = f.reserve("ord_a", 4);  // write 0
  auto second = f.reserve("ord_b", 1); // write 1, sent while write 0 is in flight
  REQUIRE(f.store->appends.size() == 2);
  CHECK(f.store->appends[1].events[0].order_id == "ord_b");
  // What the database will hold: ord_b's write commits, ord_a's does not.
  f.store->snapshot.levels = {{3, 5, 1, 1, true}};
  f.store->snapshot.holds = {{"ord_b", domain::hold_status::held, {{3, 1, 1500}}}};
  test::land(f.store_actor, 0, false);
  f.run();
  CHECK(first->error == errc::storage_unavailable);
  CHECK(f.store->loads == 0); // not before the write after it has landed
  test::land(f.store_actor, 1, true);
  f.run();
  REQUIRE(second->value);
  CHECK(second->value->ok);
  CHECK(f.store->loads == 1); // the shard reloads what the store has
  CHECK(f.levels() == "5/1");
  auto retried = f.reserve("ord_a", 4); // the order asks again: now it holds
  test::land(f.store_actor, 2, true);
  f.run();
  REQUIRE(retried->value);
  CHECK(retried->value->ok);
  CHECK(f.levels() == "5/5");
}

TEST_CASE("commands beyond the writes in flight go out together in the next one",
          "[entity][inventory]") {
  fixture f(2); // two writes in flight at most
  f.store->auto_land = false;
  auto a = f.reserve("ord_a", 1); // write 0
  auto b = f.reserve("ord_b", 1); // write 1
  auto c = f.reserve("ord_c", 9); // short: nothing to write, answered after what came before
  auto released = f.request<bool>(f.shard, release_atom_v, std::string{"ord_a"});
  f.run();
  REQUIRE(f.store->appends.size() == 2);
  test::land(f.store_actor, 0, true);
  f.run();
  CHECK(a->value);
  REQUIRE(f.store->appends.size() == 3); // what waited, as one write
  auto& next = f.store->appends[2].events;
  REQUIRE(next.size() == 1);
  CHECK(next[0].type == stock_event_type::released); // ord_a
  CHECK_FALSE(b->answered());
  CHECK_FALSE(c->answered()); // not before the writes decided before it landed
  test::land(f.store_actor, 1, true);
  test::land(f.store_actor, 2, true);
  f.run();
  REQUIRE(b->value);
  CHECK(b->value->ok);
  REQUIRE(c->value);
  CHECK_FALSE(c->value->ok);
  CHECK(c->value->short_products == std::vector<int64_t>{3});
  CHECK(released->value);
  CHECK(f.levels() == "5/1");
}

TEST_CASE("a fall to the threshold writes one alert mail with the change", "[entity][inventory]") {
  fixture f;
  REQUIRE(f.reserve("ord_a", 4)->value); // 1 left: at the threshold
  REQUIRE(f.store->appends.size() == 1);
  auto& w = f.store->appends[0];
  REQUIRE(w.events.size() == 2);
  CHECK(w.events[1].type == stock_event_type::alert_raised);
  REQUIRE(w.alerts.size() == 1);
  CHECK(w.alerts[0].recipient == "ops@example.com");
  CHECK(w.alerts[0].subject.find("Lamp") != std::string::npos);
  REQUIRE(f.reserve("ord_b", 1)->value); // further down: no second mail
  CHECK(f.store->appends[1].alerts.empty());
}

TEST_CASE("a release of a hold still being written waits until it landed", "[entity][inventory]") {
  fixture f;
  f.store->auto_land = false;
  auto reserved = f.reserve("ord_a", 2); // write 0
  auto released = f.request<bool>(f.shard, release_atom_v, std::string{"ord_a"});
  auto other = f.reserve("ord_b", 1); // behind the release: waits with it
  f.run();
  // In one group commit the release's rows would run before the insert of the hold it releases.
  CHECK(f.store->appends.size() == 1);
  test::land(f.store_actor, 0, true);
  f.run();
  REQUIRE(f.store->appends.size() == 2);
  auto& next = f.store->appends[1].events;
  REQUIRE(next.size() == 2);
  CHECK(next[0].type == stock_event_type::released);
  CHECK(next[0].order_id == "ord_a");
  CHECK(next[1].order_id == "ord_b");
  test::land(f.store_actor, 1, true);
  f.run();
  CHECK(reserved->value);
  CHECK(released->value);
  CHECK(other->value);
  CHECK(f.levels() == "5/1");
}
