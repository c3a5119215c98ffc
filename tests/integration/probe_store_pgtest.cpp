#include "persistence/probe_store.hpp"
#include "tests/support/pg.hpp"
#include "tests/support/store_fixture.hpp"

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>
#include <catch2/catch.hpp>

using namespace agora;
using namespace agora::protocol;
using namespace std::chrono_literals;

namespace {

struct fixture : test::store_fixture {
  probe_store_actor store;

  fixture() {
    store = spawn();
  }

  probe_store_actor spawn() {
    return persistence::spawn_probe_store(
      *sys, *pool,
      {"node-a", "127.0.0.1:8080", {domain::node_role::orders, domain::node_role::payment}},
      registry);
  }

  void stop(probe_store_actor& s) {
    caf::anon_send_exit(s, caf::exit_reason::user_shutdown);
    s = nullptr;
  }

  ~fixture() {
    if (store)
      stop(store);
  }

  template <class Atom>
  bool ask(probe_store_actor& s, Atom atom) {
    caf::scoped_actor self{*sys};
    bool ok = false;
    self->request(s, 5s, atom)
      .receive(
        [&](bool b) {
          ok = b;
        },
        [](caf::error&) {});
    return ok;
  }
};

} // namespace

TEST_CASE("the first probe joins the node to the members table", "[probe]") {
  fixture f;
  REQUIRE(f.ask(f.store, probe_atom_v));
  CHECK(test::sql_value(f.url, "SELECT status FROM members WHERE id = 'node-a'") == "up");
  CHECK(test::sql_value(f.url, "SELECT incarnation FROM members WHERE id = 'node-a'") == "1");
  CHECK(test::sql_value(f.url, "SELECT array_to_string(roles, ',') FROM members")
        == "orders,payment");
  CHECK(f.registry.snapshot("store.probe").size() == 1);
}

TEST_CASE("later probes refresh the heartbeat without a new incarnation", "[probe]") {
  fixture f;
  REQUIRE(f.ask(f.store, probe_atom_v));
  auto before = test::sql_value(f.url, "SELECT heartbeat_at FROM members");
  REQUIRE(f.ask(f.store, probe_atom_v));
  CHECK(test::sql_value(f.url, "SELECT heartbeat_at FROM members") != before);
  CHECK(test::sql_value(f.url, "SELECT incarnation FROM members") == "1");
}

TEST_CASE("leaving marks the node left and a restart is a new incarnation", "[probe]") {
  fixture f;
  REQUIRE(f.ask(f.store, probe_atom_v));
  REQUIRE(f.ask(f.store, leave_atom_v));
  CHECK(test::sql_value(f.url, "SELECT status FROM members") == "left");
  f.stop(f.store);
  auto restarted = f.spawn();
  REQUIRE(f.ask(restarted, probe_atom_v));
  CHECK(test::sql_value(f.url, "SELECT status FROM members") == "up");
  CHECK(test::sql_value(f.url, "SELECT incarnation FROM members") == "2");
  f.stop(restarted);
}
