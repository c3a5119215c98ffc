#include "actors/order_router.hpp"

#include "actors/domain/hash.hpp"
#include "actors/order_metrics.hpp"
#include "runtime/base/actor_registry.hpp"
#include "runtime/base/clock.hpp"
#include "runtime/base/log.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <functional>
#include <memory>
#include <set>
#include <unordered_map>

namespace agora::actors {

namespace {

using namespace agora::protocol;
using namespace std::chrono;

using use_fn = std::function<void(const order_actor&, const caf::error&)>;

struct router_state {
  static inline const char* name = "order.router";
  read_store_actor reads;
  order_peers peers;
  order_options options;
  std::unordered_map<std::string, order_actor> live;
  std::unordered_map<caf::actor_addr, std::string> ids;
  std::unordered_map<std::string, std::vector<use_fn>> loading;
  std::unordered_map<uint32_t, uint64_t> owned; ///< shard → epoch of its lease
  std::set<uint32_t> to_resume;                 ///< granted shards whose orders resume next
  bool querying = false; ///< a query of the orders to resume is under way: the next waits
};

using router_impl =
  order_host_actor::extend<caf::reacts_to<unsettled_atom>, caf::reacts_to<reconcile_atom>>;
using self_ptr = router_impl::stateful_pointer<router_state>;

uint32_t shard_of_id(self_ptr self, const std::string& id) {
  return order_shard(id, self->state.options.shards);
}

caf::error not_owned(uint32_t shard) {
  return caf::make_error(errc::not_owner,
                         "this node does not own order shard " + std::to_string(shard));
}

order_actor activate(self_ptr self, const std::string& id,
                     std::vector<domain::order_event> journal) {
  auto& st = self->state;
  auto shard = shard_of_id(self, id);
  fence token{shard, st.owned.at(shard)};
  auto a = spawn_order(self->system(), id, std::move(journal), st.peers, st.options, token);
  self->monitor(a);
  st.live.emplace(id, a);
  st.ids.emplace(caf::actor_cast<caf::actor_addr>(a), id);
  return a;
}

/// Calls `use` with the order's live actor, activating it from its journal first if needed;
/// unknown orders get errc::not_found.
void with_order(self_ptr self, const std::string& id, use_fn use) {
  auto& st = self->state;
  if (auto i = st.live.find(id); i != st.live.end())
    return use(i->second, {});
  if (!st.owned.count(shard_of_id(self, id)))
    return use({}, not_owned(shard_of_id(self, id)));
  auto& queue = st.loading[id];
  queue.push_back(std::move(use));
  if (queue.size() > 1)
    return; // a load is under way
  self->request(st.reads, st.options.store_timeout, load_atom_v, id)
    .then(
      [=](std::vector<domain::order_event>& journal) {
        auto waiting = std::move(self->state.loading[id]);
        self->state.loading.erase(id);
        // Given away while loading comes first: a create sent again must not start its order
        // on a shard this node no longer owns.
        auto shard = shard_of_id(self, id);
        caf::error err;
        if (!self->state.owned.count(shard))
          err = not_owned(shard);
        else if (journal.empty())
          err = caf::make_error(errc::not_found, std::string{"no such order"});
        if (err) {
          for (auto& fn : waiting)
            fn({}, err);
          return;
        }
        auto a = activate(self, id, std::move(journal));
        for (auto& fn : waiting)
          fn(a, {});
      },
      [=](caf::error& err) {
        auto waiting = std::move(self->state.loading[id]);
        self->state.loading.erase(id);
        for (auto& fn : waiting)
          fn({}, err);
      });
}

/// Sends one request to order `id` and delivers its answer to `rp`. An order that stopped
/// between lookup and delivery is activated again, once.
template <class T, class... Ts>
void forward_to(self_ptr self, const std::string& id, milliseconds timeout,
                caf::typed_response_promise<T> rp, bool first, Ts... msg) {
  with_order(self, id, [=](const order_actor& a, const caf::error& err) mutable {
    if (err) {
      rp.deliver(err);
      return;
    }
    self->request(a, timeout, msg...)
      .then(
        [=](T& reply) mutable {
          rp.deliver(std::move(reply));
        },
        [=](caf::error& e) mutable {
          if (first && e == caf::sec::request_receiver_down) {
            self->state.live.erase(id);
            forward_to<T>(self, id, timeout, rp, false, msg...);
            return;
          }
          rp.deliver(e);
        });
  });
}

template <class T, class... Ts>
caf::result<T> forward(self_ptr self, const std::string& id, milliseconds timeout, Ts... msg) {
  auto rp = self->make_response_promise<T>();
  forward_to<T>(self, id, timeout, rp, true, msg...);
  return rp;
}

void create_after_load(self_ptr self, const create_order& req, milliseconds timeout,
                       caf::typed_response_promise<order_view> rp, bool again);

/// Sends a create to its order's live actor. A conflict may mean the journal was ahead of that
/// actor (its ORDER_CREATED landed though the answer was lost with the connection; the actor
/// stops): the create goes once more, after the journal is read again, and decides as a repeat.
/// A second conflict (an idempotency key another request took) is the answer.
void send_create(self_ptr self, const create_order& req, milliseconds timeout,
                 caf::typed_response_promise<order_view> rp, bool again) {
  auto id = req.draft.id;
  with_order(self, id, [=](const order_actor& a, const caf::error& err) mutable {
    if (err) {
      rp.deliver(err);
      return;
    }
    self->request(a, timeout, create_atom_v, req)
      .then(
        [=](order_view& v) mutable {
          rp.deliver(std::move(v));
        },
        [=](caf::error& e) mutable {
          if (!again || (e != errc::conflict && e != caf::sec::request_receiver_down)) {
            rp.deliver(e);
            return;
          }
          auto& live = self->state.live;
          if (auto i = live.find(id); i != live.end() && i->second == a)
            live.erase(i); // that copy stops: the journal decides
          auto next = req;
          next.resent = true;
          create_after_load(self, next, timeout, rp, false);
        });
  });
}

/// A create sent before (its first owner died or gave the shard away, maybe after journaling
/// it), or one that meets a load of its order: the journal decides whether the order is new.
void create_after_load(self_ptr self, const create_order& req, milliseconds timeout,
                       caf::typed_response_promise<order_view> rp, bool again) {
  auto id = req.draft.id;
  with_order(self, id, [=](const order_actor&, const caf::error& err) mutable {
    if (err && err != errc::not_found) {
      rp.deliver(err);
      return;
    }
    if (err && self->state.live.count(id) == 0) // nothing journaled: a new order after all
      activate(self, id, {});
    send_create(self, req, timeout, rp, again);
  });
}

/// A new order: activated at once (new ids are fresh: nothing to replay), unless the node has as
/// many orders in progress as it may.
caf::result<order_view> create(self_ptr self, const create_order& req, milliseconds timeout) {
  auto& id = req.draft.id;
  auto& st = self->state;
  if (st.live.count(id) == 0) {
    if (!st.owned.count(shard_of_id(self, id)))
      return not_owned(shard_of_id(self, id));
    if (st.options.max_in_progress > 0
        && st.peers.metrics->in_progress() >= st.options.max_in_progress)
      return caf::make_error(errc::overloaded,
                             std::string{"too many orders in progress on this node"});
    if (req.resent || st.loading.count(id)) {
      auto rp = self->make_response_promise<order_view>();
      create_after_load(self, req, timeout, rp, true);
      return rp;
    }
    activate(self, id, {});
  }
  auto rp = self->make_response_promise<order_view>(); // after the refusals: they answer at once
  send_create(self, req, timeout, rp, true);
  return rp;
}

void resume(self_ptr self, std::vector<std::string>& ids);

/// The orders of the shards granted lately that owe a step resume from their journals; those
/// that only await their shipment's news wake when it comes (or when the lagging sweep finds
/// the news lost), so a handoff does not replay every order a carrier still has on the road.
/// One query at a time: a join's grants come over a second or two, and concurrent scans of the
/// orders table only slowed each other and the writers (measured: four at once, ~300 ms each).
void resume_granted(self_ptr self) {
  if (self->state.querying || self->state.to_resume.empty())
    return;
  auto shards = std::move(self->state.to_resume);
  self->state.to_resume.clear();
  self->state.querying = true;
  auto next = [self] {
    self->state.querying = false;
    if (!self->state.to_resume.empty()) // granted meanwhile
      self->send(self, unsettled_atom_v);
  };
  self->request(self->state.reads, self->state.options.store_timeout, unsettled_atom_v)
    .then(
      [=](std::vector<std::string>& ids) {
        next();
        std::vector<std::string> mine;
        for (auto& id : ids) {
          auto shard = shard_of_id(self, id);
          if (shards.count(shard) && self->state.owned.count(shard))
            mine.push_back(std::move(id));
        }
        log::info("orders.recovering").kv("shards", shards.size()).kv("count", mine.size());
        if (!mine.empty())
          resume(self, mine);
      },
      [=](caf::error& err) {
        self->state.querying = false;
        log::warn("orders.recovery_failed").kv("error", self->system().render(err));
        for (auto shard : shards) // try again with the next grant or in a second
          self->state.to_resume.insert(shard);
        self->delayed_send(self, seconds{1}, unsettled_atom_v);
      });
}

/// Takes shard `shard` away: its live orders hand their held commands back to this router (which
/// bounces them to the new owner through the cluster's router) once their writes landed, or,
/// when the lease is lost already, stop at once.
caf::result<bool> revoke(self_ptr self, uint32_t shard, bool handoff) {
  auto& st = self->state;
  st.owned.erase(shard);
  st.to_resume.erase(shard);
  std::vector<order_actor> leaving;
  for (auto& [id, a] : st.live)
    if (shard_of_id(self, id) == shard)
      leaving.push_back(a);
  log::info("orders.shard_revoked")
    .kv("shard", shard)
    .kv("handoff", handoff)
    .kv("live", leaving.size());
  if (!handoff || leaving.empty()) {
    for (auto& a : leaving)
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    return true;
  }
  auto rp = self->make_response_promise<bool>();
  auto remaining = std::make_shared<size_t>(leaving.size());
  auto me = st.peers.cluster ? st.peers.cluster : caf::actor_cast<order_router_actor>(self);
  for (auto& a : leaving)
    self->request(a, st.options.store_timeout + st.options.step_timeout, handoff_atom_v, me)
      .then(
        [=](bool) mutable {
          if (--*remaining == 0)
            rp.deliver(true);
        },
        [=](caf::error&) mutable {
          if (--*remaining == 0)
            rp.deliver(true);
        });
  return rp;
}

/// Tells a resumed order where its shipment is now. News that shipping could not deliver (its
/// order's owner was changing, or the node that moved the shipment stopped before its retries
/// got through) is otherwise lost, and a shipped order would wait for a delivery it never hears
/// of. The order applies a status once, so news it had already heard changes nothing.
void catch_up(self_ptr self, const std::string& id, const order_actor& a) {
  auto& st = self->state;
  if (!st.peers.shipping)
    return;
  self->request(st.peers.shipping, st.options.store_timeout, get_atom_v, id)
    .then(
      [=](const shipment& s) {
        self
          ->request(a, self->state.options.store_timeout, shipment_atom_v,
                    shipment_news{s.order_id, s.id, s.status, s.tracking_number, s.carrier})
          .then([](bool) {}, [](caf::error&) {});
      },
      [](caf::error&) {}); // no shipment yet: the order creates or awaits it itself
}

/// Orders of this node's shards whose shipment moved on without them hearing of it (the node
/// retrying the news stopped, or the order changed owners meanwhile) are told again.
void reconcile(self_ptr self) {
  auto& st = self->state;
  auto after = static_cast<int64_t>(st.options.reconcile_after.count());
  self->request(st.reads, st.options.store_timeout, lagging_atom_v, after)
    .then(
      [=](std::vector<std::string>& ids) {
        size_t n = 0;
        for (auto& id : ids) {
          if (!self->state.owned.count(shard_of_id(self, id)))
            continue;
          ++n;
          with_order(self, id, [self, id](const order_actor& a, const caf::error& err) {
            if (!err)
              catch_up(self, id, a);
          });
        }
        if (n == 0)
          return;
        self->state.peers.metrics->reconciled(n);
        log::info("orders.reconciled").kv("count", n);
      },
      [=](caf::error& err) {
        log::warn("orders.reconcile_failed").kv("error", self->system().render(err));
      });
  self->delayed_send(self, st.options.reconcile_every, reconcile_atom_v);
}

/// Activates in slices, so a long recovery list does not flood the readers at once.
void resume(self_ptr self, std::vector<std::string>& ids) {
  constexpr size_t slice = 200;
  size_t n = std::min(slice, ids.size());
  for (size_t i = 0; i < n; ++i)
    with_order(self, ids[i], [self, id = ids[i]](const order_actor& a, const caf::error& err) {
      if (!err)
        catch_up(self, id, a);
    });
  if (ids.size() > n) {
    ids.erase(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(n));
    self->delayed_send(self, milliseconds{100}, resume_atom_v, std::move(ids));
  }
  log::info("orders.resumed").kv("count", n);
}

/// Forgets orders when they stop; stops them all when told to stop.
void supervise(self_ptr self) {
  self->set_down_handler([=](caf::down_msg& dm) {
    auto i = self->state.ids.find(dm.source);
    if (i == self->state.ids.end())
      return;
    auto id = i->second;
    auto& live = self->state.live;
    if (auto j = live.find(id); j != live.end() && j->second.address() == dm.source)
      live.erase(j);
    self->state.ids.erase(i);
    // Its journal holds events it had not seen (a write that landed though its answer was lost
    // with the connection): it starts again from the journal, and goes on from there.
    if (dm.reason == errc::conflict && self->state.owned.count(shard_of_id(self, id))) {
      log::info("order.reloaded").kv("order_id", id);
      with_order(self, id, [](const order_actor&, const caf::error&) {});
    }
  });
  // Orders are not linked to the router (one failing order must not take the others down), so
  // the router stops them itself when it is told to stop.
  self->set_exit_handler([=](caf::exit_msg& msg) {
    for (auto& [id, a] : self->state.live)
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    self->quit(msg.reason);
  });
}

router_impl::behavior_type router(self_ptr self, read_store_actor reads, order_peers peers,
                                  order_options options) {
  auto& st = self->state;
  st.reads = std::move(reads);
  st.peers = std::move(peers);
  st.options = options;
  track_sampled(self, *st.peers.registry, "order.router");
  supervise(self);
  if (options.reconcile_every.count() > 0)
    self->delayed_send(self, options.reconcile_every, reconcile_atom_v);
  auto slow = options.store_timeout + options.step_timeout;
  return {
    [=](create_atom, const create_order& req) {
      return create(self, req, slow);
    },
    [=](get_atom, const std::string& id) {
      return forward<order_view>(self, id, self->state.options.step_timeout, get_atom_v);
    },
    [=](cancel_atom, const std::string& id) {
      return forward<order_view>(self, id, slow, cancel_atom_v);
    },
    [=](refund_atom, const std::string& id, const std::string& payment_id, int64_t cents,
        const std::string& key) {
      return forward<order_view>(self, id, slow, refund_atom_v, payment_id, cents, key);
    },
    [=](wait_atom, const std::string& id, int64_t deadline_ms) {
      return forward<order_view>(self, id,
                                 milliseconds{std::max<int64_t>(0, deadline_ms - unix_ms())} + slow,
                                 wait_atom_v, deadline_ms);
    },
    [=](shipment_atom, const shipment_news& news) {
      return forward<bool>(self, news.order_id, slow, shipment_atom_v, news);
    },
    [=](resume_atom, std::vector<std::string>& ids) {
      resume(self, ids);
    },
    [=](grant_atom, const shard_grant& g) {
      auto& st = self->state;
      st.owned[g.shard] = g.epoch;
      if (st.to_resume.empty()) // grants come in bursts: one query for the burst
        self->delayed_send(self, milliseconds{100}, unsettled_atom_v);
      st.to_resume.insert(g.shard);
    },
    [=](unsettled_atom) {
      resume_granted(self);
    },
    [=](reconcile_atom) {
      reconcile(self);
    },
    [=](revoke_atom, const std::string&, uint32_t shard, bool handoff) {
      return revoke(self, shard, handoff);
    },
  };
}

} // namespace

order_host_actor spawn_order_router(caf::actor_system& sys, read_store_actor reads,
                                    order_peers peers, order_options options) {
  return caf::actor_cast<order_host_actor>(
    spawn_counted(sys, router, std::move(reads), std::move(peers), options));
}

} // namespace agora::actors
