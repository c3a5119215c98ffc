#include "cluster/order_routing.hpp"

#include "runtime/base/clock.hpp"
#include "runtime/base/log.hpp"
#include "runtime/base/random.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <deque>
#include <functional>
#include <map>
#include <set>

namespace agora::cluster {

namespace {

using namespace agora::protocol;
using namespace std::chrono;

/// A command waiting for its shard's owner.
struct parked {
  steady_clock::time_point deadline;
  std::function<void()> retry;
  std::function<void()> expire;
};

/// A command sent to an owner, until it answers: if the owner's node is lost meanwhile (its
/// actor goes down: a crash, a cut), the command goes again instead of waiting out its deadline.
struct in_flight {
  caf::actor_addr host;
  std::function<void()> again;
};

struct routing_state {
  static inline const char* name = "cluster.order_routing";
  uint32_t shards = 64;
  std::vector<shard_route> routes;
  std::deque<parked> waiting;
  bool ticking = false;
  uint64_t last_attempt = 0;
  std::map<uint64_t, in_flight> sent;
  std::set<caf::actor_addr> watched; ///< owners' hosts this router monitors
  std::shared_ptr<cluster_metrics> metrics;
  milliseconds attempt_limit{5000};      ///< one attempt's deadline (plus a long poll's own wait)
  std::string closed = "not joined yet"; ///< why new orders are refused; empty: they are taken
};

constexpr size_t max_waiting = 10000;

using routing_impl = order_routing_actor::extend<caf::reacts_to<tick_atom>,
                                                 caf::reacts_to<cluster_atom, bool, std::string>>;
using self_ptr = routing_impl::stateful_pointer<routing_state>;

/// Answers that mean "not here, not now": the command goes again once the map changes.
bool bounced(const caf::error& err) {
  return err == errc::not_owner || err == errc::fenced || err == caf::sec::request_receiver_down
         || err == caf::sec::no_route_to_receiving_node;
}

void retry_waiting(self_ptr self) {
  auto waiting = std::move(self->state.waiting);
  self->state.waiting.clear();
  self->state.metrics->waiting.Set(0);
  auto now = steady_clock::now();
  for (auto& p : waiting) {
    if (now >= p.deadline)
      p.expire();
    else
      p.retry();
  }
}

void park(self_ptr self, parked p) {
  auto& st = self->state;
  if (st.waiting.size() >= max_waiting) {
    p.expire();
    return;
  }
  st.waiting.push_back(std::move(p));
  st.metrics->waiting.Set(static_cast<double>(st.waiting.size()));
  if (!st.ticking) {
    st.ticking = true;
    self->delayed_send(self, milliseconds{250}, tick_atom_v);
  }
}

/// A create that goes again is marked so: its first owner may have journaled it.
void resend(create_order& req) {
  req.resent = true;
}
template <class T>
void resend(T&) {}

/// A new order is owned where it was placed when it can be: its id is drawn again (up to 64
/// times) until it falls in a shard this node owns, so its saga's commands and its shipment's
/// news stay on this node instead of crossing to another (measured: 69 % of order commands
/// crossed nodes with three doors). The ids stay uniform over the local shards; a node owning
/// none, or a create sent again, keeps the id it has.
void place_locally(self_ptr self, create_order& req) {
  auto& st = self->state;
  if (req.resent)
    return;
  auto local = [&](uint32_t shard) {
    return shard < st.routes.size() && st.routes[shard].host
           && st.routes[shard].host.node() == self->node();
  };
  bool owns_any = false;
  for (uint32_t shard = 0; shard < st.routes.size() && !owns_any; ++shard)
    owns_any = local(shard);
  for (int draw = 0; owns_any && draw < 64 && !local(order_shard(req.draft.id, st.shards)); ++draw)
    req.draft.id = new_id("ord");
}

template <class T, class... Ts>
void attempt(self_ptr self, const std::string& id, steady_clock::time_point deadline,
             caf::typed_response_promise<T> rp, Ts... msg) {
  auto& st = self->state;
  auto again = [=]() mutable {
    (resend(msg), ...);
    self->state.metrics->bounced.Increment();
    park(self, parked{deadline,
                      [=]() mutable {
                        attempt<T>(self, id, deadline, rp, msg...);
                      },
                      [=]() mutable {
                        rp.deliver(caf::make_error(
                          errc::unavailable, std::string{"no node owns the order's shard now"}));
                      }});
  };
  auto shard = order_shard(id, st.shards);
  auto left = duration_cast<milliseconds>(deadline - steady_clock::now());
  if (shard >= st.routes.size() || !st.routes[shard].host || left.count() <= 0) {
    if (left.count() <= 0)
      rp.deliver(
        caf::make_error(errc::unavailable, std::string{"no node owns the order's shard now"}));
    else
      again();
    return;
  }
  auto host = caf::actor_cast<order_router_actor>(st.routes[shard].host);
  auto addr = host.address();
  if (st.watched.insert(addr).second)
    self->monitor(host);
  st.metrics->commands.Add({{"to", host.node() == self->node() ? "local" : "remote"}}).Increment();
  auto token = ++st.last_attempt;
  st.sent.emplace(token, in_flight{addr, again});
  // One attempt waits no longer than the owner should take (a paused or cut-off owner's answer
  // may never come); the command then goes again, to whoever owns the shard by then.
  auto patience = std::min(left, st.attempt_limit);
  self->request(host, patience, msg...)
    .then(
      [=](T& reply) mutable {
        if (self->state.sent.erase(token))
          rp.deliver(std::move(reply));
      },
      [=](caf::error& err) mutable {
        if (!self->state.sent.erase(token))
          return; // sent again already: its owner went down
        if (bounced(err) || (err == caf::sec::request_timeout && patience < left))
          again();
        else
          rp.deliver(err);
      });
}

template <class T, class... Ts>
caf::result<T> route(self_ptr self, const std::string& id, milliseconds timeout, Ts... msg) {
  auto rp = self->make_response_promise<T>();
  attempt<T>(self, id, steady_clock::now() + timeout, rp, msg...);
  return rp;
}

/// An owner's host went down: what was sent to it goes again (to whoever owns the shard next).
void owner_down(self_ptr self, const caf::down_msg& dm) {
  auto& st = self->state;
  st.watched.erase(dm.source);
  std::vector<std::function<void()>> again;
  for (auto i = st.sent.begin(); i != st.sent.end();) {
    if (i->second.host == dm.source) {
      again.push_back(std::move(i->second.again));
      i = st.sent.erase(i);
    } else {
      ++i;
    }
  }
  if (!again.empty())
    log::warn("cluster.owner_lost")
      .kv("commands", again.size())
      .kv("reason", self->system().render(dm.reason));
  for (auto& fn : again)
    fn();
}

routing_impl::behavior_type routing(self_ptr self, uint32_t shards,
                                    std::shared_ptr<cluster_metrics> metrics) {
  self->state.shards = shards;
  self->state.metrics = std::move(metrics);
  self->set_down_handler([=](caf::down_msg& dm) {
    owner_down(self, dm);
  });
  // The longest a command may wait for an owner and its answer, in all: below common client
  // timeouts (30 s), so a client hears 503 with Retry-After rather than nothing.
  constexpr auto slow = seconds{25};
  return {
    [=](create_atom, create_order& req) -> caf::result<order_view> {
      // Admission: an order that cannot proceed (no live payment node, say) is refused now with
      // a 503 and Retry-After, not accepted to time out later.
      if (!self->state.closed.empty())
        return caf::make_error(errc::unavailable, "not taking orders: " + self->state.closed);
      place_locally(self, req);
      return route<order_view>(self, req.draft.id, slow, create_atom_v, req);
    },
    [=](cluster_atom, bool, std::string& missing) {
      self->state.closed = std::move(missing);
    },
    [=](get_atom, const std::string& id) {
      return route<order_view>(self, id, slow, get_atom_v, id);
    },
    [=](cancel_atom, const std::string& id) {
      return route<order_view>(self, id, slow, cancel_atom_v, id);
    },
    [=](refund_atom, const std::string& id, const std::string& payment_id, int64_t cents,
        const std::string& key) {
      return route<order_view>(self, id, slow, refund_atom_v, id, payment_id, cents, key);
    },
    [=](wait_atom, const std::string& id, int64_t deadline_ms) {
      auto wait = milliseconds{std::max<int64_t>(0, deadline_ms - unix_ms())};
      return route<order_view>(self, id, wait + slow, wait_atom_v, id, deadline_ms);
    },
    [=](shipment_atom, const shipment_news& news) {
      return route<bool>(self, news.order_id, slow, shipment_atom_v, news);
    },
    [=](resume_atom, std::vector<std::string>&) {
      // Recovery is each owner's own business (its router resumes the shards it is granted).
    },
    [=](route_atom, shard_map& map) {
      if (map.kind != orders_kind)
        return;
      self->state.routes = std::move(map.routes);
      retry_waiting(self);
    },
    [=](tick_atom) {
      self->state.ticking = false;
      retry_waiting(self);
    },
  };
}

} // namespace

order_routing_actor spawn_order_routing(caf::actor_system& sys, uint32_t shards,
                                        std::shared_ptr<cluster_metrics> metrics) {
  return caf::actor_cast<order_routing_actor>(sys.spawn(routing, shards, std::move(metrics)));
}

} // namespace agora::cluster
