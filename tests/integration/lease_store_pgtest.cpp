#include "persistence/lease_store.hpp"
#include "persistence/order_codec.hpp"
#include "persistence/order_store.hpp"
#include "persistence/probe_store.hpp"
#include "tests/support/pg.hpp"
#include "tests/support/store_fixture.hpp"
#include "tests/support/wait.hpp"

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>
#include <catch2/catch.hpp>
#include <pqxx/connection>
#include <pqxx/except>
#include <pqxx/transaction>

using namespace agora;
using namespace agora::protocol;
using namespace std::chrono_literals;

namespace {

struct fixture : test::store_fixture {
  persistence::writer journal{url, hub.registry()};
  lease_store_actor store;
  order_store_actor orders;

  fixture() : store_fixture(2) {
    store = persistence::spawn_lease_store(*sys, *pool, registry);
    orders = persistence::spawn_order_store(*sys, journal, registry);
  }

  ~fixture() {
    caf::anon_send_exit(store, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(orders, caf::exit_reason::user_shutdown);
  }

  template <class Reply, class Handle, class... Ts>
  std::pair<Reply, caf::error> ask(const Handle& h, Ts... xs) {
    caf::scoped_actor self{*sys};
    std::pair<Reply, caf::error> out;
    self->request(h, 10s, xs...)
      .receive(
        [&](Reply& r) {
          out.first = std::move(r);
        },
        [&](caf::error& err) {
          out.second = std::move(err);
        });
    return out;
  }

  int64_t join(const std::string& id, uint32_t order_shards = 4) {
    member me{id, 0, "127.0.0.1:80", "127.0.0.1", 4000, "orders,inventory", "up", true, 0};
    std::vector<lease> kinds{{"orders", order_shards, {}, 0, 0, 0}};
    auto [inc, err] = ask<int64_t>(store, join_atom_v, me, kinds);
    REQUIRE_FALSE(err);
    return inc;
  }

  cluster_state sync(const std::string& id, int64_t inc, std::vector<uint32_t> acquire,
                     int64_t ttl_ms = 5000) {
    lease_sync s{id, inc, ttl_ms, 5000, {}, {}};
    for (auto shard : acquire)
      s.acquire.push_back({"orders", shard, {}, 0, 0, 0});
    auto [state, err] = ask<cluster_state>(store, sync_atom_v, s);
    REQUIRE_FALSE(err);
    return state;
  }

  /// The first append of an order in `shard` at `epoch`: its ORDER_CREATED.
  caf::error append(uint32_t shard, uint64_t epoch, const std::string& id) {
    journal_append a;
    a.order_id = id;
    a.token = {shard, epoch};
    domain::order_event created;
    created.type = domain::event_type::order_created;
    created.at_ms = 1;
    created.draft.id = id;
    created.draft.customer_email = "a@example.com";
    created.draft.currency = "EUR";
    a.events.push_back(created);
    a.projection.id = id;
    a.projection.customer_email = "a@example.com";
    a.projection.currency = "EUR";
    return ask<bool>(orders, append_atom_v, a).second;
  }
};

uint64_t epoch_of(const cluster_state& s, uint32_t shard) {
  for (auto& l : s.leases)
    if (l.kind == "orders" && l.shard == shard)
      return l.epoch;
  return 0;
}

std::string owner_of(const cluster_state& s, uint32_t shard) {
  for (auto& l : s.leases)
    if (l.kind == "orders" && l.shard == shard)
      return l.owner;
  return "?";
}

} // namespace

TEST_CASE("joining records a member with a new incarnation and every shard's lease row",
          "[leases][pg]") {
  fixture f;
  CHECK(f.join("node-a") == 1);
  CHECK(f.join("node-a") == 2); // a restart
  CHECK(test::sql_value(f.url, "SELECT count(*) FROM shard_leases WHERE kind = 'orders'") == "4");
  CHECK(test::sql_value(f.url, "SELECT cluster_host || ':' || cluster_port FROM members")
        == "127.0.0.1:4000");
  auto s = f.sync("node-a", 1, {}); // the old incarnation's heartbeat is refused
  CHECK_FALSE(s.member_current);
  s = f.sync("node-a", 2, {});
  CHECK(s.member_current);
  REQUIRE(s.members.size() == 1);
  CHECK(s.members[0].live);
  CHECK(s.members[0].roles == "orders,inventory");
}

TEST_CASE("a node that splits orders into another shard count is refused", "[leases][pg]") {
  fixture f;
  f.join("node-a", 4);
  member me{"node-b", 0, "", "", 0, "orders", "up", true, 0};
  auto [inc, err] =
    f.ask<int64_t>(f.store, join_atom_v, me, std::vector<lease>{{"orders", 8, {}, 0, 0, 0}});
  CHECK(err == errc::conflict);
}

TEST_CASE("a lease has one owner until it runs out, and each change of hands raises the epoch",
          "[leases][pg]") {
  fixture f;
  auto a = f.join("node-a");
  auto b = f.join("node-b");
  auto s = f.sync("node-a", a, {0, 1}, 1500);
  CHECK(owner_of(s, 0) == "node-a");
  CHECK(epoch_of(s, 0) == 1);
  s = f.sync("node-b", b, {0, 2});
  CHECK(owner_of(s, 0) == "node-a"); // still fresh: not taken
  CHECK(owner_of(s, 2) == "node-b");
  // node-a stops renewing; once its lease has run out node-b takes shard 0 at epoch 2.
  REQUIRE(test::wait_until([&] {
    return owner_of(f.sync("node-b", b, {0}), 0) == "node-b";
  }));
  s = f.sync("node-a", a, {}); // node-a's renewal no longer finds it
  CHECK(owner_of(s, 0) == "node-b");
  CHECK(epoch_of(s, 0) == 2);
  CHECK(owner_of(s, 1) == "node-a"); // run out but taken by nobody: renewed, still node-a's
}

TEST_CASE("a write that carries a stale epoch is refused in its own transaction", "[leases][pg]") {
  fixture f;
  auto a = f.join("node-a");
  f.sync("node-a", a, {3});
  CHECK_FALSE(f.append(3, 1, "ord_fenced_ok"));
  // node-a restarts: its new incarnation takes shard 3 at once, at epoch 2.
  auto a2 = f.join("node-a");
  auto s = f.sync("node-a", a2, {3});
  REQUIRE(epoch_of(s, 3) == 2);
  CHECK(f.append(3, 1, "ord_fenced_stale") == errc::fenced);
  CHECK(test::sql_value(f.url, "SELECT count(*) FROM orders WHERE id = 'ord_fenced_stale'") == "0");
  CHECK_FALSE(f.append(3, 2, "ord_fenced_new"));
  CHECK(test::sql_value(f.url, "SELECT count(*) FROM order_events") == "2");
}

// The race fencing exists for, at the SQL level: a change of hands waits for a write in flight
// under the old epoch, and a write that comes while a change of hands is under way waits for it
// and then is refused.
TEST_CASE("a change of hands and a write in flight exclude each other", "[leases][pg]") {
  fixture f;
  auto a = f.join("node-a");
  f.sync("node-a", a, {3});
  pqxx::connection writer_conn{f.url}, taker_conn{f.url};
  auto raise_epoch = "UPDATE shard_leases SET epoch = epoch + 1, owner = 'node-b' "
                     "WHERE kind = 'orders' AND shard = 3";
  auto is_lock_timeout = [](const pqxx::sql_error& e) {
    return e.sqlstate() == "55P03";
  };
  {
    pqxx::work write{writer_conn};
    write.exec("SELECT agora_fence('orders', 3, 1::bigint)"); // the write, not yet committed
    pqxx::work take{taker_conn};
    take.exec("SET LOCAL lock_timeout = '300ms'");
    CHECK_THROWS_MATCHES(take.exec(raise_epoch), pqxx::sql_error,
                         Catch::Predicate<pqxx::sql_error>(is_lock_timeout));
    write.commit();
  }
  {
    pqxx::work take{taker_conn};
    take.exec(raise_epoch); // epoch 2, not yet committed
    pqxx::work write{writer_conn};
    write.exec("SET LOCAL lock_timeout = '300ms'");
    CHECK_THROWS_MATCHES(write.exec("SELECT agora_fence('orders', 3, 1::bigint)"), pqxx::sql_error,
                         Catch::Predicate<pqxx::sql_error>(is_lock_timeout));
    take.commit();
  }
  pqxx::work late{writer_conn};
  CHECK_THROWS_MATCHES(late.exec("SELECT agora_fence('orders', 3, 1::bigint)"), pqxx::sql_error,
                       Catch::Predicate<pqxx::sql_error>([](const pqxx::sql_error& e) {
                         return e.sqlstate() == "AGF01";
                       }));
  late.abort();
  pqxx::work current{writer_conn};
  CHECK_NOTHROW(current.exec("SELECT agora_fence('orders', 3, 2::bigint)"));
  // A renewal (the epoch unchanged) does not wait for a write in flight.
  pqxx::work renew{taker_conn};
  renew.exec("SET LOCAL lock_timeout = '300ms'");
  CHECK_NOTHROW(renew.exec("UPDATE shard_leases SET expires_at = now() + interval '5 s' "
                           "WHERE kind = 'orders' AND shard = 3"));
}

TEST_CASE("leaving gives every lease back and marks the member left", "[leases][pg]") {
  fixture f;
  auto a = f.join("node-a");
  f.sync("node-a", a, {0, 1, 2, 3});
  auto [ok, err] = f.ask<bool>(f.store, leave_atom_v, std::string{"node-a"}, a);
  REQUIRE_FALSE(err);
  CHECK(ok);
  CHECK(test::sql_value(f.url, "SELECT count(*) FROM shard_leases WHERE owner IS NOT NULL") == "0");
  CHECK(test::sql_value(f.url, "SELECT status FROM members") == "left");
  auto b = f.join("node-b");
  auto s = f.sync("node-b", b, {0});
  CHECK(owner_of(s, 0) == "node-b"); // at once, no TTL to wait for
  CHECK(epoch_of(s, 0) == 2);
}

TEST_CASE("a probe is one round trip to the database", "[probe][pg]") {
  fixture f;
  auto probe = persistence::spawn_probe_store(*f.sys, *f.pool, {"node-a", "", {}}, f.registry);
  auto [ok, err] = f.ask<bool>(probe, probe_atom_v);
  CHECK(ok);
  CHECK_FALSE(err);
  caf::anon_send_exit(probe, caf::exit_reason::user_shutdown);
}
