#include "cluster/lease_keeper.hpp"

#include "cluster/placement.hpp"
#include "runtime/base/log.hpp"

#include <caf/actor_system.hpp>
#include <caf/blocking_actor.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

namespace agora::cluster {

namespace {

using namespace agora::protocol;
using namespace std::chrono;
using shard_key = std::pair<std::string, uint32_t>; // (kind, shard)

/// Another member's hosts for one incarnation: found through its directory (this node dialed
/// it) or introduced by it (it dialed this node). Either may be empty: it hosts none.
struct peer {
  int64_t incarnation = 0;
  bool resolving = false;
  bool found = false;
  caf::actor orders;
  caf::actor inventory;
  caf::actor directory; ///< its directory, watched: over the one connection between the two
};

struct keeper_state {
  static inline const char* name = "cluster.lease_keeper";
  lease_store_actor store;
  member me;
  std::vector<leased_kind> kinds;
  keeper_options options;
  cluster_state seen;                  ///< the last sync's view
  std::map<shard_key, uint64_t> owned; ///< granted to this node's hosts, with their epoch
  std::set<shard_key> handing;         ///< handoffs under way
  std::vector<lease> handed;           ///< handed over; given back on the next sync
  std::map<std::string, peer> peers;
  std::map<std::string, uint64_t> versions; ///< per kind, of the maps sent
  std::map<std::string, std::vector<shard_route>> sent;
  std::shared_ptr<cluster_metrics> metrics;
  std::vector<caf::actor> watchers;
  std::string missing = "not joined yet";                ///< what the watchers were last told
  std::map<shard_key, steady_clock::time_point> unowned; ///< since when nobody holds them
  steady_clock::time_point last_sync = steady_clock::now();
  /// Since when the placement has given this node shards that their holders are still handing
  /// over (none: nothing awaited): meanwhile it syncs every eager_tick, not every tick.
  std::optional<steady_clock::time_point> awaiting_since;
  bool syncing = false;
  bool resync = false; ///< a sync was asked for while one was under way: another follows it
  bool leaving = false;
};

/// How often a node syncs while a shard is being handed over to it.
constexpr milliseconds eager_tick{100};

using keeper_impl = lease_keeper_actor::extend<
  caf::reacts_to<tick_atom>, caf::reacts_to<step_atom>,
  caf::reacts_to<peer_atom, std::string, int64_t, caf::actor, caf::actor, caf::actor>,
  caf::reacts_to<peer_atom, std::string>>;
using self_ptr = keeper_impl::stateful_pointer<keeper_state>;

const leased_kind* kind_of(self_ptr self, const std::string& kind) {
  for (auto& k : self->state.kinds)
    if (k.kind == kind)
      return &k;
  return nullptr;
}

/// Live members (ids) that may own `k`'s shards.
std::vector<std::string> candidates(const cluster_state& seen, const leased_kind& k) {
  std::vector<std::string> out;
  for (auto& m : seen.members)
    if (m.live && has_role(m, k.role))
      out.push_back(m.id);
  return out;
}

const member* find_member(const cluster_state& seen, const std::string& id) {
  for (auto& m : seen.members)
    if (m.id == id)
      return &m;
  return nullptr;
}

/// Whether the store would let this node take `l` now (free, run out, or its holder's
/// incarnation is no longer up).
bool takeable(const cluster_state& seen, const lease& l) {
  if (l.owner.empty() || l.expires_in_ms <= 0)
    return true;
  auto* m = find_member(seen, l.owner);
  return !m || m->incarnation != l.incarnation || m->status != "up";
}

void revoke(self_ptr self, const shard_key& key, bool handoff);

/// Finds `m`'s hosts through its directory and hands it this node's, on a thread of its own
/// (connecting blocks). The keeper hears `peer(id, incarnation, orders, inventory, directory)`,
/// or `peer(id)` when that failed (tried again on a later sync).
void resolve_peer(self_ptr self, const member& m) {
  auto& st = self->state;
  auto& p = st.peers[m.id];
  if (p.resolving || (p.incarnation == m.incarnation && p.found) || !dials(st.seen, st.me, m))
    return;
  p.resolving = true;
  auto transport = st.options.transport;
  auto timeout = transport.timeout; // a lookup's deadline: a stalled one is retried next sync
  transport.member = st.me.id;
  transport.incarnation = st.me.incarnation;
  caf::actor mine[2];
  for (auto& k : st.kinds)
    mine[k.role == domain::node_role::orders ? 0 : 1] = caf::actor_cast<caf::actor>(k.host);
  self->system().spawn<caf::detached>(
    [keeper = caf::actor_cast<caf::actor>(self), m, timeout, transport, my_orders = mine[0],
     my_inventory = mine[1], my_directory = st.options.directory](caf::blocking_actor* worker) {
      auto dir = connect_directory(worker->system(), m.cluster_host, m.cluster_port, transport);
      if (!dir) {
        log::warn("cluster.peer_unreachable")
          .kv("member", m.id)
          .kv("endpoint", m.cluster_host + ":" + std::to_string(m.cluster_port))
          .kv("error", worker->system().render(dir.error()));
        worker->send(keeper, peer_atom_v, m.id);
        return;
      }
      bool complete = true;
      caf::actor found[2];
      for (auto role : {domain::node_role::orders, domain::node_role::inventory}) {
        worker->request(*dir, timeout, lookup_atom_v, role, transport.member, transport.incarnation)
          .receive(
            [&](caf::actor& a) {
              found[role == domain::node_role::orders ? 0 : 1] = std::move(a);
            },
            [&](caf::error& err) {
              complete = complete && err == errc::not_found; // it hosts none
            });
      }
      if (complete)
        worker
          ->request(*dir, timeout, introduce_atom_v, transport.member, transport.incarnation,
                    my_orders, my_inventory, my_directory)
          .receive([](bool) {},
                   [&](caf::error&) {
                     complete = false; // it does not see this node live yet
                   });
      if (complete) {
        worker->send(keeper, peer_atom_v, m.id, m.incarnation, found[0], found[1],
                     caf::actor_cast<caf::actor>(*dir));
        return;
      }
      log::info("cluster.peer_unresolved").kv("member", m.id).kv("incarnation", m.incarnation);
      worker->send(keeper, peer_atom_v, m.id);
    });
}

/// Asks the members' directories, one after the other, for the actor serving `role`; the first
/// found answers `rp`.
void ask_in_turn(self_ptr self, caf::typed_response_promise<caf::actor> rp, domain::node_role role,
                 std::vector<std::pair<std::string, caf::actor>> directories, size_t next) {
  if (next == directories.size()) {
    rp.deliver(caf::make_error(errc::unavailable, "no live member serving "
                                                    + std::string{domain::to_string(role)}
                                                    + " is connected to this node"));
    return;
  }
  auto& st = self->state;
  self
    ->request(caf::actor_cast<directory_actor>(directories[next].second),
              st.options.transport.timeout, lookup_atom_v, role, st.me.id, st.me.incarnation)
    .then(
      [=](caf::actor& found) mutable {
        log::info("cluster.resolved")
          .kv("role", domain::to_string(role))
          .kv("member", directories[next].first);
        rp.deliver(found);
      },
      [=](caf::error&) mutable {
        ask_in_turn(self, rp, role, directories, next + 1);
      });
}

void count(self_ptr self) {
  auto& st = self->state;
  double live = 0, down = 0, left = 0;
  for (auto& m : st.seen.members)
    (m.live ? live : m.status == "up" ? down : left) += 1;
  st.metrics->members.Add({{"status", "live"}}).Set(live);
  st.metrics->members.Add({{"status", "down"}}).Set(down);
  st.metrics->members.Add({{"status", "left"}}).Set(left);
  for (auto& k : st.kinds) {
    double n = 0;
    for (auto& [key, epoch] : st.owned)
      n += key.first == k.kind ? 1 : 0;
    st.metrics->shards_owned.Add({{"kind", k.kind}}).Set(n);
  }
}

/// What keeps orders from proceeding, as this node sees the cluster; empty: nothing.
std::string missing(self_ptr self) {
  auto& st = self->state;
  if (!st.seen.member_current)
    return "this node's membership is not current";
  if (steady_clock::now() - st.last_sync >= st.options.lease_ttl)
    return "the lease store (the database) is out of reach";
  std::string out;
  auto add = [&](const std::string& what) {
    out += (out.empty() ? "" : "; ") + what;
  };
  for (auto role : {domain::node_role::orders, domain::node_role::inventory,
                    domain::node_role::payment, domain::node_role::shipping}) {
    bool found = false;
    for (auto& m : st.seen.members)
      found = found || (m.live && has_role(m, role));
    if (!found)
      add("no live " + std::string{domain::to_string(role)} + " node");
  }
  auto now = steady_clock::now();
  std::map<std::string, int> orphans;
  for (auto& l : st.seen.leases) {
    shard_key key{l.kind, l.shard};
    if (!l.owner.empty() && l.expires_in_ms > 0) {
      st.unowned.erase(key);
      continue;
    }
    auto since = st.unowned.emplace(key, now).first->second;
    if (now - since > st.options.lease_ttl + 2 * st.options.tick)
      ++orphans[l.kind];
  }
  for (auto& [kind, n] : orphans)
    add(std::to_string(n) + " " + kind + " shards without an owner");
  // Every live member that owns shards must be reachable, or commands for them wait.
  std::string unreached;
  for (auto& m : st.seen.members) {
    if (!m.live || m.id == st.me.id || m.cluster_port == 0
        || !(has_role(m, domain::node_role::orders) || has_role(m, domain::node_role::inventory)))
      continue;
    auto p = st.peers.find(m.id);
    if (p == st.peers.end() || p->second.incarnation != m.incarnation || !p->second.found)
      unreached += (unreached.empty() ? "" : ", ") + m.id;
  }
  if (!unreached.empty())
    add("not connected to " + unreached);
  return out;
}

/// Tells the watchers when what is missing changed. The first watcher (readiness) hears all of
/// it; the others (admission of new orders) only what no order could get past: a role without a
/// live node, or this node's membership or lease store lost. A shard still without an owner or
/// a peer not yet connected delays the orders it concerns; it does not refuse every order.
void report(self_ptr self) {
  auto& st = self->state;
  auto now_missing = missing(self);
  if (now_missing == st.missing)
    return;
  st.missing = std::move(now_missing);
  std::string closed;
  for (size_t start = 0; start < st.missing.size();) {
    auto end = st.missing.find("; ", start);
    auto part = st.missing.substr(start, end == std::string::npos ? end : end - start);
    if (part.find("shards without an owner") == std::string::npos
        && part.rfind("not connected to", 0) != 0)
      closed += (closed.empty() ? "" : "; ") + part;
    if (end == std::string::npos)
      break;
    start = end + 2;
  }
  for (size_t i = 0; i < st.watchers.size(); ++i) {
    auto& what = i == 0 ? st.missing : closed;
    caf::anon_send(st.watchers[i], cluster_atom_v, what.empty(), what);
  }
}

/// Tells each kind's listeners where its shards are, when that changed.
void publish(self_ptr self) {
  auto& st = self->state;
  count(self);
  report(self);
  for (auto& k : st.kinds) {
    std::vector<shard_route> routes(k.shards);
    for (uint32_t s = 0; s < k.shards; ++s)
      routes[s].shard = s;
    for (auto& l : st.seen.leases) {
      if (l.kind != k.kind || l.shard >= k.shards || l.owner.empty() || l.expires_in_ms <= 0)
        continue;
      auto& r = routes[l.shard];
      r.owner = l.owner;
      r.incarnation = l.incarnation;
      r.epoch = l.epoch;
      if (l.owner == st.me.id) {
        auto i = st.owned.find({k.kind, l.shard});
        if (i != st.owned.end() && i->second == l.epoch && !st.handing.count(i->first))
          r.host = caf::actor_cast<caf::actor>(k.host);
      } else if (auto p = st.peers.find(l.owner);
                 p != st.peers.end() && p->second.incarnation == l.incarnation) {
        r.host = k.kind == orders_kind ? p->second.orders : p->second.inventory;
      }
    }
    auto& before = st.sent[k.kind];
    bool same = before.size() == routes.size();
    for (size_t i = 0; same && i < routes.size(); ++i)
      same = before[i].owner == routes[i].owner && before[i].epoch == routes[i].epoch
             && before[i].host == routes[i].host;
    if (same)
      continue;
    before = routes;
    shard_map map{k.kind, ++st.versions[k.kind], std::move(routes)};
    for (auto& listener : k.listeners)
      self->send(listener, route_atom_v, map);
  }
}

/// Whether this node handed `key` over at `epoch` and gives it back on the next sync: a sync
/// that was under way meanwhile still sees it held here, which is no grant.
bool handed_over(const keeper_state& st, const shard_key& key, uint64_t epoch) {
  return std::any_of(st.handed.begin(), st.handed.end(), [&](const lease& l) {
    return l.kind == key.first && l.shard == key.second && l.epoch == epoch;
  });
}

/// Applies what a sync found: grants, losses, handoffs to start, peers to find.
void absorb(self_ptr self, cluster_state found) {
  auto& st = self->state;
  st.seen = std::move(found);
  if (!st.seen.member_current) {
    log::error("cluster.superseded")
      .kv("member", st.me.id)
      .kv("incarnation", st.me.incarnation)
      .kv("reason", "the members row names another incarnation; this node owns nothing now");
    for (auto& [key, epoch] : std::map<shard_key, uint64_t>{st.owned})
      revoke(self, key, false);
    publish(self);
    return;
  }
  std::map<shard_key, uint64_t> now_owned;
  for (auto& l : st.seen.leases)
    if (l.owner == st.me.id && l.incarnation == st.me.incarnation && kind_of(self, l.kind))
      now_owned[{l.kind, l.shard}] = l.epoch;
  // Lost: held before, not now (taken after this node could not renew, or given back).
  for (auto& [key, epoch] : std::map<shard_key, uint64_t>{st.owned}) {
    auto i = now_owned.find(key);
    if (i == now_owned.end() || i->second != epoch)
      revoke(self, key, false);
  }
  for (auto& [key, epoch] : now_owned) {
    if (st.owned.count(key) || handed_over(st, key, epoch))
      continue;
    auto* k = kind_of(self, key.first);
    if (!k->host)
      continue;
    st.owned[key] = epoch;
    log::info("cluster.shard_acquired")
      .kv("kind", key.first)
      .kv("shard", key.second)
      .kv("epoch", epoch);
    self->send(k->host, grant_atom_v, shard_grant{key.first, key.second, epoch});
  }
  // Hand over what another live member should own.
  for (auto& k : st.kinds) {
    auto desired = rendezvous_map(k.kind, k.shards, candidates(st.seen, k));
    for (auto& [key, epoch] : std::map<shard_key, uint64_t>{st.owned})
      if (key.first == k.kind && key.second < desired.size() && !desired[key.second].empty()
          && desired[key.second] != st.me.id && !st.handing.count(key))
        revoke(self, key, true);
  }
  for (auto& m : st.seen.members)
    if (m.live && m.id != st.me.id && m.cluster_port != 0)
      resolve_peer(self, m);
  publish(self);
}

/// Takes `key` from this node's host: at once (lost), or by a handoff that lands its writes
/// first; a handed-over lease is given back on the next sync.
void revoke(self_ptr self, const shard_key& key, bool handoff) {
  auto& st = self->state;
  auto i = st.owned.find(key);
  if (i == st.owned.end())
    return;
  auto epoch = i->second;
  auto* k = kind_of(self, key.first);
  if (!handoff) {
    st.owned.erase(i);
    st.handing.erase(key);
    log::warn("cluster.shard_lost").kv("kind", key.first).kv("shard", key.second);
    st.metrics->shards_lost.Add({{"kind", key.first}}).Increment();
    self->request(k->host, st.options.step_timeout, revoke_atom_v, key.first, key.second, false)
      .then([](bool) {}, [](caf::error&) {});
    return;
  }
  st.handing.insert(key);
  log::info("cluster.handoff_started").kv("kind", key.first).kv("shard", key.second);
  auto started = steady_clock::now();
  self->request(k->host, st.options.step_timeout, revoke_atom_v, key.first, key.second, true)
    .then(
      [=](bool) {
        auto& st = self->state;
        if (!st.handing.erase(key))
          return; // lost meanwhile
        st.owned.erase(key);
        st.handed.push_back(lease{key.first, key.second, st.me.id, st.me.incarnation, epoch, 0});
        st.metrics->handoff(key.first, true,
                            duration<double>(steady_clock::now() - started).count());
        log::info("cluster.handoff_done")
          .kv("kind", key.first)
          .kv("shard", key.second)
          .kv("ms", duration_cast<milliseconds>(steady_clock::now() - started).count());
        self->send(self, tick_atom_v);
      },
      [=](caf::error& err) {
        self->state.handing.erase(key);
        self->state.metrics->handoff(key.first, false, 0);
        log::warn("cluster.handoff_failed")
          .kv("kind", key.first)
          .kv("shard", key.second)
          .kv("error", self->system().render(err));
      });
}

/// The shards the placement gives this node that it does not own yet, as the last sync saw
/// their leases.
std::vector<lease> coming(self_ptr self) {
  auto& st = self->state;
  std::vector<lease> out;
  if (st.leaving || !st.seen.member_current)
    return out;
  for (auto& k : st.kinds) {
    if (!k.host)
      continue;
    auto desired = rendezvous_map(k.kind, k.shards, candidates(st.seen, k));
    for (auto& l : st.seen.leases)
      if (l.kind == k.kind && l.shard < desired.size() && desired[l.shard] == st.me.id
          && !st.owned.count({k.kind, l.shard}))
        out.push_back(l);
  }
  return out;
}

/// The acquisitions worth asking for: the coming shards the store would let this node take.
std::vector<lease> wanted(self_ptr self) {
  std::vector<lease> out;
  for (auto& l : coming(self))
    if (takeable(self->state.seen, l))
      out.push_back(lease{l.kind, l.shard, {}, 0, 0, 0});
  return out;
}

/// After a sync: the next one at once when something was asked or can be taken, soon while a
/// handoff to this node is under way (for two lease TTLs at most: a holder that does not hand
/// over loses its lease by then), else on the keeper's own clock.
void pace(self_ptr self, bool asked) {
  auto& st = self->state;
  if (asked || !wanted(self).empty()) {
    self->delayed_send(self, milliseconds{50}, tick_atom_v);
    return;
  }
  // Shards coming that another live holder still has (a handoff to this node under way): they
  // are taken the moment the holder gives them back.
  if (coming(self).empty()) {
    st.awaiting_since.reset();
    return;
  }
  auto now = steady_clock::now();
  if (!st.awaiting_since)
    st.awaiting_since = now;
  if (now - *st.awaiting_since < 2 * st.options.lease_ttl)
    self->delayed_send(self, eager_tick, tick_atom_v);
}

void sync(self_ptr self) {
  auto& st = self->state;
  if (st.syncing) {
    st.resync = true; // e.g. a handoff done: its give-back must not wait for the clock
    return;
  }
  st.syncing = true;
  lease_sync s;
  s.member = st.me.id;
  s.incarnation = st.me.incarnation;
  s.lease_ttl_ms = duration_cast<milliseconds>(st.options.lease_ttl).count();
  s.member_ttl_ms = duration_cast<milliseconds>(st.options.member_ttl).count();
  s.release = std::move(st.handed);
  st.handed.clear();
  s.acquire = wanted(self);
  bool asked = !s.acquire.empty() || !s.release.empty();
  self->request(st.store, st.options.step_timeout, sync_atom_v, s)
    .then(
      [=](cluster_state& found) {
        auto& st = self->state;
        st.syncing = false;
        st.last_sync = steady_clock::now();
        absorb(self, std::move(found));
        pace(self, asked || std::exchange(st.resync, false));
      },
      [=](caf::error& err) {
        auto& st = self->state;
        st.syncing = false;
        for (auto& l : s.release) // give them back on a later sync
          st.handed.push_back(l);
        st.metrics->syncs_failed.Increment();
        log::warn("cluster.sync_failed").kv("error", self->system().render(err));
        report(self);
        if (steady_clock::now() - st.last_sync >= st.options.lease_ttl && !st.owned.empty()) {
          log::error("cluster.leases_expired")
            .kv("shards", st.owned.size())
            .kv("reason", "no renewal for a lease TTL; stopping this node's shards");
          for (auto& [key, epoch] : std::map<shard_key, uint64_t>{st.owned})
            revoke(self, key, false);
          publish(self);
        }
      });
}

keeper_impl::behavior_type keeper(self_ptr self, lease_store_actor store, member me,
                                  std::vector<leased_kind> kinds, keeper_options options,
                                  std::shared_ptr<cluster_metrics> metrics,
                                  std::vector<caf::actor> watchers) {
  auto& st = self->state;
  st.metrics = std::move(metrics);
  st.watchers = std::move(watchers);
  for (auto& w : st.watchers)
    caf::anon_send(w, cluster_atom_v, false, st.missing);
  self->set_down_handler([=](caf::down_msg& dm) {
    for (auto& [id, p] : self->state.peers)
      if ((p.orders && p.orders.address() == dm.source)
          || (p.inventory && p.inventory.address() == dm.source)
          || (p.directory && p.directory.address() == dm.source)) {
        log::warn("cluster.peer_lost")
          .kv("member", id)
          .kv("reason", self->system().render(dm.reason));
        p = peer{};
        publish(self);
        return;
      }
  });
  st.store = std::move(store);
  st.me = std::move(me);
  st.kinds = std::move(kinds);
  st.options = options;
  self->send(self, step_atom_v);
  return {
    [=](tick_atom) { // a sync now (a first view, a handoff done)
      if (!self->state.leaving)
        sync(self);
    },
    [=](step_atom) { // the keeper's own clock
      if (self->state.leaving)
        return;
      sync(self);
      self->delayed_send(self, self->state.options.tick, step_atom_v);
    },
    [=](peer_atom, const std::string& id, int64_t incarnation, caf::actor& orders,
        caf::actor& inventory, caf::actor& directory) {
      auto& p = self->state.peers[id];
      p.resolving = false;
      p.found = true;
      p.incarnation = incarnation;
      p.orders = std::move(orders);
      p.inventory = std::move(inventory);
      p.directory = std::move(directory);
      // Their node's connection may drop (a crash, a pause, a cut): the handles are then dead
      // for good; the dialing side finds them again on a later sync and introduces itself.
      for (auto* h : {&p.orders, &p.inventory, &p.directory})
        if (*h)
          self->monitor(*h);
      log::info("cluster.peer_found").kv("member", id).kv("incarnation", incarnation);
      publish(self);
    },
    [=](peer_atom, const std::string& id) { // not found this time: again on a later sync
      self->state.peers[id].resolving = false;
    },
    [=](cluster_atom) {
      return self->state.seen;
    },
    [=](lookup_atom, domain::node_role role) -> caf::result<caf::actor> {
      auto rp = self->make_response_promise<caf::actor>();
      std::vector<std::pair<std::string, caf::actor>> directories;
      for (auto& id : role_candidates(self->state.seen.members, role, self->state.me.id)) {
        auto p = self->state.peers.find(id);
        if (p != self->state.peers.end() && p->second.directory)
          directories.emplace_back(id, p->second.directory);
      }
      ask_in_turn(self, rp, role, std::move(directories), 0);
      return rp;
    },
    [=](peers_atom) {
      auto& st = self->state;
      std::vector<std::string> ids;
      std::vector<caf::actor> directories; // empty where no connection is up
      for (auto& m : st.seen.members) {
        if (!m.live || m.id == st.me.id)
          continue;
        auto p = st.peers.find(m.id);
        ids.push_back(m.id);
        directories.push_back(p != st.peers.end() && p->second.incarnation == m.incarnation
                                ? p->second.directory
                                : caf::actor{});
      }
      return std::make_tuple(std::move(ids), std::move(directories));
    },
    [=](leave_atom) -> caf::result<bool> {
      auto& st = self->state;
      st.leaving = true;
      auto rp = self->make_response_promise<bool>();
      auto remaining = std::make_shared<size_t>(st.owned.size());
      auto finish = [=]() mutable {
        auto& st = self->state;
        self->request(st.store, st.options.step_timeout, leave_atom_v, st.me.id, st.me.incarnation)
          .then(
            [=](bool) mutable {
              log::info("cluster.left").kv("member", self->state.me.id);
              rp.deliver(true);
            },
            [=](caf::error& err) mutable {
              rp.deliver(err);
            });
      };
      if (*remaining == 0) {
        finish();
        return rp;
      }
      for (auto& [key, epoch] : std::map<shard_key, uint64_t>{st.owned}) {
        auto* k = kind_of(self, key.first);
        self->request(k->host, st.options.step_timeout, revoke_atom_v, key.first, key.second, true)
          .then(
            [=](bool) mutable {
              if (--*remaining == 0)
                finish();
            },
            [=](caf::error&) mutable {
              if (--*remaining == 0)
                finish();
            });
      }
      st.owned.clear();
      return rp;
    },
  };
}

} // namespace

bool dials(const cluster_state& seen, const member& me, const member& m) {
  if (m.cluster_port == 0)
    return false;
  if (me.cluster_port == 0)
    return true; // nobody can dial this node
  auto* mine = find_member(seen, me.id);
  auto joined = mine ? mine->joined_at_ms : 0;
  return std::tie(m.joined_at_ms, m.id) < std::tie(joined, me.id);
}

std::vector<std::string> role_candidates(const std::vector<protocol::member>& members,
                                         domain::node_role role, const std::string& me) {
  std::vector<std::string> ids;
  for (auto& m : members)
    if (m.live && m.id != me && m.cluster_port != 0 && has_role(m, role))
      ids.push_back(m.id);
  return rendezvous_order(me, std::move(ids));
}

lease_keeper_actor spawn_lease_keeper(caf::actor_system& sys, lease_store_actor store, member me,
                                      std::vector<leased_kind> kinds, keeper_options options,
                                      std::shared_ptr<cluster_metrics> metrics,
                                      std::vector<caf::actor> watchers) {
  return sys.spawn(keeper, std::move(store), std::move(me), std::move(kinds), options,
                   std::move(metrics), std::move(watchers));
}

} // namespace agora::cluster
