#include "actors/domain/hash.hpp"
#include "actors/protocol/cluster.hpp"
#include "actors/shipping.hpp"
#include "persistence/shipping_store.hpp"
#include "runtime/base/metrics.hpp"
#include "tests/support/pg.hpp"
#include "tests/support/store_fixture.hpp"
#include "tests/support/wait.hpp"

#include <caf/send.hpp>
#include <catch2/catch.hpp>
#include <prometheus/counter.h>
#include <prometheus/family.h>

#include <set>

using namespace agora;
using namespace agora::protocol;
using namespace std::chrono_literals;

namespace {

using agora::domain::shipment_status;

struct fixture : test::writer_store_fixture<shipping_store_actor> {
  fixture()
    : writer_store_fixture([](caf::actor_system& sys, persistence::connection_pool& pool,
                              persistence::writer& w, size_t workers, actor_registry& registry) {
        return persistence::spawn_shipping_store(sys, pool, w, workers, registry, shards);
      }) {}

  static constexpr uint32_t shards = 64;

  shipment make(const std::string& id, const std::string& order) {
    auto [s, err] = ask<shipment>(
      create_atom_v, shipment{id, order, shipment_status::label_created, "1Z" + id, "UPS"});
    REQUIRE_FALSE(err);
    return s;
  }

  /// Cancels the order's shipment; `stand_in` is the CANCELLED one left if it has none.
  std::pair<shipment, caf::error> cancel(const std::string& order,
                                         const std::string& stand_in = "shp_void") {
    return ask<shipment>(cancel_atom_v, shipment{stand_in, order, shipment_status::cancelled,
                                                 "VOID" + stand_in, "NONE"});
  }

  std::string sql(const std::string& query) {
    return test::sql_value(url, query);
  }
};

} // namespace

TEST_CASE("a shipment is created once per order, its label its only event", "[shipping][pg]") {
  fixture f;
  CHECK(f.make("shp_1", "ord_1").id == "shp_1");
  // A second proposal for the order (a retried step) answers the first shipment.
  auto again = f.make("shp_2", "ord_1");
  CHECK(again.id == "shp_1");
  CHECK(again.tracking_number == "1Zshp_1");
  CHECK(f.sql("SELECT count(*) FROM shipments WHERE order_id = 'ord_1'") == "1");
  CHECK(f.sql("SELECT num_nulls(in_transit_at, out_for_delivery_at, ended_at) FROM shipments "
              "WHERE id = 'shp_1'")
        == "3");
  auto [found, err] = f.ask<shipment>(get_atom_v, std::string{"ord_1"});
  CHECK_FALSE(err);
  CHECK(found.id == "shp_1");
  CHECK(f.ask<shipment>(get_atom_v, std::string{"ord_none"}).second == errc::not_found);
}

TEST_CASE("the carrier step moves only shipments unchanged long enough, and records each move",
          "[shipping][pg]") {
  fixture f;
  f.make("shp_old", "ord_a");
  f.make("shp_new", "ord_b");
  f.make("shp_gone", "ord_c");
  CHECK(f.cancel("ord_c").first.status == shipment_status::cancelled);
  f.sql("UPDATE shipments SET created_at = now() - interval '1 hour', updated_at = now() - "
        "interval '1 hour' WHERE id IN ('shp_old', 'shp_gone')");
  auto [moved, err] = f.ask<std::vector<shipment>>(step_atom_v, int64_t{60000}, std::string{});
  REQUIRE_FALSE(err);
  REQUIRE(moved.size() == 1); // the new one is too recent, the cancelled one does not move
  CHECK(moved[0].id == "shp_old");
  CHECK(moved[0].order_id == "ord_a");
  CHECK(moved[0].status == shipment_status::in_transit);
  // Every step on: the last scan delivers, and a delivered shipment moves no more.
  for (auto next : {shipment_status::out_for_delivery, shipment_status::delivered}) {
    auto [again, step_err] = f.ask<std::vector<shipment>>(step_atom_v, int64_t{0}, std::string{});
    REQUIRE_FALSE(step_err);
    bool seen = false;
    for (auto& s : again)
      if (s.id == "shp_old") {
        seen = true;
        CHECK(s.status == next);
      }
    CHECK(seen);
  }
  f.sql("UPDATE shipments SET updated_at = now() - interval '1 hour'");
  for (auto& s : f.ask<std::vector<shipment>>(step_atom_v, int64_t{0}, std::string{}).first)
    CHECK(s.id != "shp_old");
  // The timeline in the row: each status reached once, in order.
  CHECK(f.sql("SELECT created_at <= in_transit_at AND in_transit_at <= out_for_delivery_at AND "
              "out_for_delivery_at <= ended_at FROM shipments WHERE id = 'shp_old'")
        == "t");
  CHECK(f.sql("SELECT in_transit_at IS NULL AND ended_at IS NOT NULL FROM shipments WHERE id = "
              "'shp_gone'")
        == "t");
}

TEST_CASE("carrier moves before delivery are heap-only updates", "[shipping][pg]") {
  // Nothing the carrier changes on the way is indexed: a move writes no index entry (HOT) until
  // the shipment ends and leaves the open shipments' index. One implicit transaction, so its own
  // statistics are read back exactly.
  fixture f;
  f.make("shp_h", "ord_h");
  auto hot_after = [&](const std::string& assignments) {
    return f.sql("UPDATE shipments SET " + assignments
                 + " WHERE id = 'shp_h'; SELECT n_tup_hot_upd FROM pg_stat_xact_user_tables "
                   "WHERE relname = 'shipments'");
  };
  CHECK(hot_after("status = 'IN_TRANSIT', updated_at = now(), in_transit_at = now()") == "1");
  CHECK(hot_after("status = 'OUT_FOR_DELIVERY', updated_at = now(), out_for_delivery_at = now()")
        == "1");
  CHECK(hot_after("status = 'DELIVERED', updated_at = now(), ended_at = now()") == "0");
}

TEST_CASE("a shipment is cancelled only before pickup, advance scans it on", "[shipping][pg]") {
  fixture f;
  auto s = f.make("shp_x", "ord_x");
  auto [scanned, err] = f.ask<shipment>(advance_atom_v, s.id);
  REQUIRE_FALSE(err);
  CHECK(scanned.status == shipment_status::in_transit);
  CHECK(f.cancel("ord_x").second == errc::conflict);
  CHECK(f.sql("SELECT count(*) FROM shipments WHERE order_id = 'ord_x'") == "1"); // no stand-in
  CHECK(f.ask<shipment>(advance_atom_v, std::string{"shp_unknown"}).second == errc::not_found);
  for (int i = 0; i < 2; ++i)
    CHECK_FALSE(f.ask<shipment>(advance_atom_v, s.id).second);
  CHECK(f.ask<shipment>(advance_atom_v, s.id).second == errc::conflict); // delivered
  CHECK(f.sql("SELECT status FROM shipments WHERE id = 'shp_x'") == "DELIVERED");
}

TEST_CASE("cancelling an order without a shipment leaves a cancelled one, so none follows",
          "[shipping][pg]") {
  fixture f;
  // The cancel wins the race with a create still on its way: the create finds the stand-in.
  auto [stand_in, err] = f.cancel("ord_early", "shp_stand_in");
  REQUIRE_FALSE(err);
  CHECK(stand_in.id == "shp_stand_in");
  CHECK(stand_in.status == shipment_status::cancelled);
  auto late = f.make("shp_late", "ord_early");
  CHECK(late.id == "shp_stand_in");
  CHECK(late.status == shipment_status::cancelled);
  // Cancelling again answers the same; the carrier never moves it.
  CHECK(f.cancel("ord_early", "shp_other").first.id == "shp_stand_in");
  f.sql("UPDATE shipments SET created_at = now() - interval '1 hour', updated_at = now() - "
        "interval '1 hour'");
  CHECK(f.ask<std::vector<shipment>>(step_atom_v, int64_t{0}, std::string{}).first.empty());
  CHECK(f.sql("SELECT count(*) || ' ' || min(status) || ' ' || bool_and(ended_at IS NOT NULL) "
              "FROM shipments WHERE order_id = 'ord_early'")
        == "1 CANCELLED true");
  // A shipment that exists is cancelled itself, no stand-in is added.
  f.make("shp_real", "ord_real");
  CHECK(f.cancel("ord_real", "shp_unused").first.id == "shp_real");
  CHECK(f.sql("SELECT count(*) FROM shipments WHERE id = 'shp_unused'") == "0");
}

TEST_CASE("the carrier works off a backlog of more than one step's worth without pausing",
          "[shipping][pg]") {
  fixture f;
  // 1,200 due shipments: more than two full steps. The pause after a partial step is an hour, so
  // only steps that follow full ones at once can move them all within the test's deadline.
  f.sql("INSERT INTO shipments (id, order_id, status, tracking_number, carrier, created_at, "
        "updated_at) SELECT 'shp_b' || i, 'ord_b' || i, 'LABEL_CREATED', '1ZB' || i, 'UPS', now() "
        "- interval '2 hours', now() - interval '2 hours' FROM generate_series(1, 1200) i");
  actors::shipping_options options;
  options.step = std::chrono::hours{1};
  options.step_pause = std::chrono::hours{1};
  auto carrier = actors::spawn_shipping(*f.sys, f.store, options, f.registry, f.hub.registry());
  CHECK(test::wait_until(
    [&] {
      return f.sql("SELECT count(*) FROM shipments WHERE status = 'IN_TRANSIT'") == "1200";
    },
    20s));
  caf::anon_send_exit(carrier, caf::exit_reason::user_shutdown);
  // Nothing moved twice: each is one step on, its pickup recorded once.
  CHECK(f.sql("SELECT count(*) FROM shipments WHERE in_transit_at IS NOT NULL AND "
              "out_for_delivery_at IS NULL")
        == "1200");
}

TEST_CASE("a carrier moves the shipments of its order shards, and those written before shards",
          "[shipping][pg]") {
  fixture f;
  // Order ids in two different shards, and one shipment from before shards were written.
  std::string mine = "ord_mine", theirs = "ord_theirs";
  for (int i = 0;
       domain::shard_of(theirs, fixture::shards) == domain::shard_of(mine, fixture::shards); ++i)
    theirs = "ord_theirs" + std::to_string(i);
  f.make("shp_mine", mine);
  f.make("shp_theirs", theirs);
  f.make("shp_legacy", "ord_legacy");
  f.sql("UPDATE shipments SET order_shard = NULL WHERE id = 'shp_legacy'");
  CHECK(f.sql("SELECT order_shard FROM shipments WHERE id = 'shp_mine'")
        == std::to_string(domain::shard_of(mine, fixture::shards)));
  f.sql("UPDATE shipments SET created_at = now() - interval '1 hour', updated_at = now() - "
        "interval '1 hour'");
  auto owned = "{" + std::to_string(domain::shard_of(mine, fixture::shards)) + ",63}";
  auto [moved, err] = f.ask<std::vector<shipment>>(step_atom_v, int64_t{60000}, owned);
  REQUIRE_FALSE(err);
  std::set<std::string> ids;
  for (auto& s : moved)
    ids.insert(s.id);
  CHECK(ids == std::set<std::string>{"shp_mine", "shp_legacy"});
  // A carrier of no shard moves only the old rows; one of every shard ("") moves the rest.
  f.sql("UPDATE shipments SET updated_at = now() - interval '1 hour'");
  CHECK(f.ask<std::vector<shipment>>(step_atom_v, int64_t{60000}, std::string{"{}"}).first.size()
        == 1);
  auto all = f.ask<std::vector<shipment>>(step_atom_v, int64_t{60000}, std::string{}).first;
  CHECK(all.size() == 2); // shp_theirs and shp_mine; the legacy one moved a moment ago
}

TEST_CASE("a carrier that follows shards moves nothing until it hears which", "[shipping][pg]") {
  fixture f;
  f.sql("INSERT INTO shipments (id, order_id, status, tracking_number, carrier, order_shard, "
        "created_at, updated_at) SELECT 'shp_f' || i, 'ord_f' || i, 'LABEL_CREATED', '1ZF' || i, "
        "'UPS', i % 64, now() - interval '2 hours', now() - interval '2 hours' "
        "FROM generate_series(1, 50) i");
  actors::shipping_options options;
  options.step = std::chrono::hours{1};
  options.step_pause = std::chrono::milliseconds{20};
  options.follows_shards = true; // a node with orders: its shard maps are coming
  auto carrier = actors::spawn_shipping(*f.sys, f.store, options, f.registry, f.hub.registry());
  auto steps = [&] {
    return metrics::counters(f.hub.registry(), "agora_shipping_operations_total", "")
      .Add({{"operation", "carrier_step"}, {"result", "ok"}})
      .Value();
  };
  REQUIRE(test::wait_until([&] {
    return steps() >= 5;
  }));
  CHECK(f.sql("SELECT count(*) FROM shipments WHERE status = 'LABEL_CREATED'") == "50");
  // Told it owns every shard, it moves them.
  std::vector<shard_route> routes(64);
  for (uint32_t s = 0; s < 64; ++s) {
    routes[s].shard = s;
    routes[s].host = caf::actor_cast<caf::actor>(carrier);
  }
  caf::anon_send(caf::actor_cast<shard_map_listener>(carrier), route_atom_v,
                 shard_map{std::string{orders_kind}, 1, routes});
  CHECK(test::wait_until([&] {
    return f.sql("SELECT count(*) FROM shipments WHERE status = 'IN_TRANSIT'") == "50";
  }));
  caf::anon_send_exit(carrier, caf::exit_reason::user_shutdown);
}
