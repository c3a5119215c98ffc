#include "cluster/lease_keeper.hpp"
#include "cluster/placement.hpp"
#include "runtime/base/metrics.hpp"
#include "tests/support/deterministic.hpp"

#include <caf/send.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <catch2/catch.hpp>

#include <deque>

// The lease keeper on CAF's test coordinator, between a lease store and a host that answer when
// the test says: what a sync finds and what a handoff does, in the orders the cluster meets.

using namespace agora;
using namespace agora::protocol;
using namespace std::chrono_literals;

namespace {

/// What the stand-ins saw, and the answers they still owe.
struct script {
  std::vector<lease_sync> syncs;
  std::deque<caf::typed_response_promise<cluster_state>> open_syncs;
  std::vector<shard_grant> grants;
  std::deque<caf::typed_response_promise<bool>> open_revokes;
};

/// The lease store: keeps every sync open until the test answers it with (sync, state); the
/// promises are delivered from inside the actor, as CAF wants.
caf::behavior store_stand_in(caf::event_based_actor* self, std::shared_ptr<script> s) {
  return {
    [](join_atom, const member&, const std::vector<lease>&) {
      return int64_t{1};
    },
    [=](sync_atom, const lease_sync& sync) {
      s->syncs.push_back(sync);
      s->open_syncs.push_back(self->make_response_promise<cluster_state>());
      return s->open_syncs.back();
    },
    [=](sync_atom, const cluster_state& state) {
      s->open_syncs.front().deliver(state);
      s->open_syncs.pop_front();
    },
    [](leave_atom, const std::string&, int64_t) {
      return true;
    },
  };
}

/// A host: records grants, keeps every revoke open until the test answers it with (revoke, ok).
caf::behavior host_stand_in(caf::event_based_actor* self, std::shared_ptr<script> s) {
  return {
    [=](grant_atom, const shard_grant& g) {
      s->grants.push_back(g);
    },
    [=](revoke_atom, const std::string&, uint32_t, bool) {
      s->open_revokes.push_back(self->make_response_promise<bool>());
      return s->open_revokes.back();
    },
    [=](revoke_atom, bool ok) {
      s->open_revokes.front().deliver(ok);
      s->open_revokes.pop_front();
    },
  };
}

member up(const std::string& id) {
  member m;
  m.id = id;
  m.incarnation = 1;
  m.roles = "orders";
  m.status = "up";
  m.live = true; // no cluster port: the keeper dials nobody
  return m;
}

struct fixture : test::deterministic {
  static constexpr uint32_t shards = 8;
  metrics::hub hub{"test", "a"};
  std::shared_ptr<script> s = std::make_shared<script>();
  caf::actor host = sys().spawn(host_stand_in, s);
  caf::actor store = sys().spawn(store_stand_in, s);
  lease_keeper_actor keeper;
  std::vector<std::string> desired = cluster::rendezvous_map(orders_kind, shards, {"a", "b"});

  fixture() {
    cluster::leased_kind orders{std::string{orders_kind},
                                shards,
                                domain::node_role::orders,
                                caf::actor_cast<shard_host_actor>(host),
                                {}};
    keeper = cluster::spawn_lease_keeper(
      sys(), caf::actor_cast<lease_store_actor>(store), up("a"), {orders},
      cluster::keeper_options{}, std::make_shared<cluster::cluster_metrics>(hub.registry()), {});
    run();
  }

  ~fixture() {
    caf::anon_send_exit(keeper, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(host, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(store, caf::exit_reason::user_shutdown);
    stop();
  }

  /// Members a and b up; every shard held by the member the placement gives it, except `moving`,
  /// which a holds at epoch 1.
  cluster_state found(uint32_t moving) const {
    cluster_state out;
    out.member_current = true;
    out.members = {up("a"), up("b")};
    for (uint32_t shard = 0; shard < shards; ++shard)
      out.leases.push_back(lease{std::string{orders_kind}, shard,
                                 shard == moving ? "a" : desired[shard], 1, 1, 5000, 0, 0});
    return out;
  }

  void answer_sync(const cluster_state& state) {
    REQUIRE_FALSE(s->open_syncs.empty());
    caf::anon_send(store, sync_atom_v, state);
    run();
  }

  size_t grants_of(uint32_t shard) const {
    size_t n = 0;
    for (auto& g : s->grants)
      n += g.shard == shard ? 1 : 0;
    return n;
  }
};

} // namespace

TEST_CASE("a shard handed over while a sync is under way is given back, not taken again",
          "[cluster][keeper]") {
  fixture f;
  uint32_t moving = 0;
  while (f.desired[moving] != "b")
    ++moving;
  REQUIRE(f.s->syncs.size() == 1);
  f.answer_sync(f.found(moving)); // a holds a shard the placement gives b: it hands it over
  REQUIRE(f.grants_of(moving) == 1);
  REQUIRE(f.s->open_revokes.size() == 1);
  f.advance(1000ms); // the keeper's clock: the next sync goes out while the handoff runs
  REQUIRE(f.s->syncs.size() == 2);
  caf::anon_send(f.host, revoke_atom_v, true); // the host landed its writes: handoff done
  f.run();
  // That sync was sent before the handoff ended: it still finds the shard held by a.
  f.answer_sync(f.found(moving));
  CHECK(f.grants_of(moving) == 1); // not granted again (and handed over again) meanwhile
  // The give-back follows at once, not a keeper's tick later.
  f.advance(50ms);
  REQUIRE(f.s->syncs.size() == 3);
  auto& given = f.s->syncs.back().release;
  REQUIRE(given.size() == 1);
  CHECK(given.front().shard == moving);
  CHECK(given.front().epoch == 1);
}
