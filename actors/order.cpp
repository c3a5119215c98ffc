#include "actors/order.hpp"

#include "actors/domain/notifications.hpp"
#include "actors/entity/port_base.hpp"
#include "actors/order_effects.hpp"
#include "actors/order_metrics.hpp"
#include "runtime/base/actor_registry.hpp"
#include "runtime/base/log.hpp"
#include "runtime/base/secrets.hpp"

#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <memory>
#include <optional>

// An order's actor: the order domain (actors/domain/order.*) run by the entity host, wired here
// to its store and, through order_effects.hpp, to the inventory shards, payments and shipping.
namespace agora::actors {

namespace {

using namespace agora::protocol;
using namespace std::chrono;
using domain::effect;
namespace cmd = domain::order_cmd;

using order_impl = order_actor::extend<caf::reacts_to<tick_atom>>;
using item = entity::pending<domain::order_entity>;
struct order_port;
using order_host = entity::host<domain::order_entity, order_port>;

struct order_actor_state {
  static inline const char* name = "order";
  std::string id;
  order_peers peers;
  order_options options;
  /// The shipment's last status heard from shipping (moves before delivery are not journaled).
  std::optional<domain::shipment_status> shipment_status;
  /// The status counted in agora_orders_live (kept apart: the state is gone when it stops).
  std::shared_ptr<std::optional<domain::order_status>> live_status;
  std::shared_ptr<actor_stats> stats; ///< where introspection reads its status
  order_router_actor successor;       ///< where a handoff sends the commands held
  std::unique_ptr<order_host> host;   ///< behind a pointer: its port needs this state
};

using self_ptr = order_impl::stateful_pointer<order_actor_state>;
order_host& host_of(self_ptr self);

order_view view(self_ptr self, const domain::order_state& s) {
  return protocol::view_of(s, self->state.shipment_status);
}

/// The mail each of `events` causes, rendered from the state right after it. One event (most
/// appends) needs no copy of the state: the state after it is `after`.
void mail_for(const std::vector<domain::order_event>& events, const domain::order_state& durable,
              const domain::order_state& after, std::vector<domain::notification>& out,
              std::string_view public_url, std::string_view token) {
  if (events.size() == 1) {
    if (auto n = domain::notification_for(after, events.front(), public_url, token))
      out.push_back(std::move(*n));
    return;
  }
  auto s = durable;
  for (auto& e : events) {
    domain::apply(s, e);
    if (auto n = domain::notification_for(s, e, public_url, token))
      out.push_back(std::move(*n));
  }
}

/// What the entity host asks of an order's actor.
struct order_port : entity::port_base<std::remove_pointer_t<self_ptr>> {
  /// Journals `events` with the projection as it stands after them and the mail they cause. No
  /// timeout: the journal answers every append exactly once (committed, failed, or a lost COMMIT
  /// resolved by reading back), and a timeout could fail an append that then commits.
  void persist(std::vector<domain::order_event> events, const std::deque<item>& batch,
               const domain::order_state& durable, const domain::order_state& after) const {
    auto& st = self->state;
    journal_append a;
    a.order_id = st.id;
    a.token = host_of(self).fence();
    a.first_seq = durable.seq + 1;
    a.can_wait = std::none_of(batch.begin(), batch.end(), [](const item& it) {
      return it.promise.pending(); // a client's create, cancel or refund
    });
    for (auto& it : batch)
      if (auto place = std::get_if<cmd::place>(&it.command); place && !it.decision.events.empty()) {
        a.idempotency_key = place->idempotency_key;
        a.request_hash = place->request_hash;
      }
    auto token = st.options.link_key.empty()
                   ? std::string{}
                   : secrets::keyed_token("oat_", st.options.link_key, st.id);
    mail_for(events, durable, after, a.notifications, st.options.public_url, token);
    a.events = std::move(events);
    a.projection = view(self, after);
    a.settled = domain::settled(after);
    self->request(st.peers.store, caf::infinite, append_atom_v, std::move(a))
      .then(
        [s = self](bool) {
          host_of(s).persisted({});
        },
        [s = self](caf::error& err) {
          host_of(s).persisted(err);
        });
  }

  void perform(effect e, uint64_t token, const domain::order_state& s) const {
    auto done = [self = self, e, token](domain::order_command c) {
      if (auto* a = std::get_if<cmd::shipment_answer>(&c))
        self->state.shipment_status = a->status;
      if (auto* u = std::get_if<cmd::shipment_update>(&c))
        self->state.shipment_status = u->status;
      host_of(self).completed(e, token, std::move(c));
    };
    auto failed = [self = self, e, token](const caf::error& err) {
      host_of(self).failed(e, token, err);
    };
    order_effect<std::remove_pointer_t<self_ptr>>{self, self->state.peers, s, done, failed}.perform(
      e);
  }

  /// A paid order's cancel: shipping cancels the shipment first (only before pickup).
  void consult(effect, uint64_t token, const domain::order_state&) const {
    auto& st = self->state;
    auto answer = [s = self, token](cmd::shipment_cancel outcome) {
      host_of(s).consulted(token, cmd::cancel_answer{outcome});
    };
    self->request(st.peers.shipping, st.options.step_timeout, cancel_atom_v, st.id)
      .then(
        [s = self, answer](shipment& sh) {
          s->state.shipment_status = sh.status;
          answer(cmd::shipment_cancel::cancelled);
        },
        [answer](caf::error& err) {
          answer(err == errc::conflict ? cmd::shipment_cancel::picked_up
                                       : cmd::shipment_cancel::unanswered);
        });
  }

  void answer(item& it, const domain::order_state& s, const caf::error& err) const {
    if (err)
      return it.promise.deliver(err);
    if (auto no = refused(it.decision.refused, it.decision.why))
      return it.promise.deliver(no);
    it.promise.deliver(view(self, s));
  }

  void answer_await(caf::response_promise& rp, const domain::order_state& s) const {
    rp.deliver(view(self, s));
  }

  void applied(const std::deque<item>& batch, const domain::order_state& s) const {
    auto& st = self->state;
    for (auto& it : batch)
      for (auto& e : it.decision.events)
        st.peers.metrics->transition(e.type);
    auto now = std::optional<domain::order_status>{s.status};
    if (*st.live_status != now) {
      st.peers.metrics->live(*st.live_status, now);
      *st.live_status = now;
      st.stats->set_state(std::string{domain::to_string(s.status)});
    }
  }

  void step_ended(effect e, double seconds, int failures, const caf::error& err) const {
    self->state.peers.metrics->step(e, seconds, failures == 0);
    if (failures > 0)
      log::warn("order.step_failed")
        .kv("order_id", self->state.id)
        .kv("step", domain::to_string(e))
        .kv("attempt", failures)
        .kv("error", self->system().render(err));
  }

  /// An append failed: nothing of it was applied, so the durable state stands.
  void recover(const caf::error& err) const {
    log::warn("order.append_failed")
      .kv("order_id", self->state.id)
      .kv("error", self->system().render(err));
    if (err == errc::fenced) { // its shard has a newer owner: this copy must not go on
      self->quit(err);
      return;
    }
    if (err == errc::conflict) { // the journal is ahead of this copy: its router reloads it
      self->quit(err);
      return;
    }
    host_of(self).recovered(host_of(self).durable());
  }

  /// After a handoff: the requesters of the commands held get the successor's answers; the
  /// services' answers are dropped (the successor asks again).
  void hand_on(std::deque<item>& held, caf::response_promise& rp) const {
    auto& st = self->state;
    for (auto& it : held) {
      if (auto place = std::get_if<cmd::place>(&it.command); place && it.promise.pending())
        it.promise.delegate(
          st.successor, create_atom_v,
          create_order{place->draft, place->idempotency_key, place->request_hash, true});
      else if (std::holds_alternative<cmd::cancel>(it.command) && it.promise.pending())
        it.promise.delegate(st.successor, cancel_atom_v, st.id);
      else if (auto r = std::get_if<cmd::staff_refund>(&it.command); r && it.promise.pending())
        it.promise.delegate(st.successor, refund_atom_v, st.id, r->payment_id, r->amount_cents,
                            r->key);
      else if (auto u = std::get_if<cmd::shipment_update>(&it.command))
        // Shipping was told "taken" already: the news must reach the next owner, or a shipped
        // order waits for a delivery it never hears of.
        caf::anon_send(st.successor, shipment_atom_v,
                       shipment_news{st.id, u->shipment_id, u->status, {}, {}});
    }
    rp.deliver(true);
    self->quit();
  }
};

order_host& host_of(self_ptr self) {
  return *self->state.host;
}

/// Starts the entity from its journal, and counts it live under its status.
void activate(self_ptr self, std::vector<domain::order_event> journal, fence token) {
  auto& st = self->state;
  domain::order_state s;
  for (auto& e : journal)
    domain::apply(s, e);
  AGORA_CHECK(journal.empty() || s.order.id == st.id); // the journal is this order's
  st.live_status = std::make_shared<std::optional<domain::order_status>>();
  if (s.exists)
    *st.live_status = s.status;
  st.peers.metrics->live(std::nullopt, *st.live_status);
  if (s.exists)
    st.stats->set_state(std::string{domain::to_string(s.status)});
  self->attach_functor([metrics = st.peers.metrics, status = st.live_status] {
    metrics->live(*status, std::nullopt);
  });
  entity::options host_options{st.options.step_timeout, st.options.idle, true};
  st.host = std::make_unique<order_host>(order_port{{self}}, host_options, token);
  st.host->activate(std::move(s)); // a recovered order resumes the step it was in
}

order_impl::behavior_type order(self_ptr self, std::string id,
                                std::vector<domain::order_event> journal, order_peers peers,
                                order_options options, fence token) {
  auto& st = self->state;
  st.id = std::move(id);
  st.peers = std::move(peers);
  st.options = options;
  st.stats = track(self, *st.peers.registry, "order", st.id);
  activate(self, std::move(journal), token);
  auto submit = [self](domain::order_command c) {
    host_of(self).submit(std::move(c), self->make_response_promise());
    return caf::delegated<order_view>{};
  };
  return {
    [=](create_atom, const create_order& req) {
      return submit(cmd::place{req.draft, req.idempotency_key, req.request_hash});
    },
    [=](get_atom) {
      return view(self, host_of(self).durable());
    },
    [=](refund_atom, const std::string& payment_id, int64_t cents, const std::string& key) {
      return submit(cmd::staff_refund{payment_id, cents, key});
    },
    [=](cancel_atom) {
      return submit(cmd::cancel{});
    },
    [=](wait_atom, int64_t deadline_ms) {
      auto left = milliseconds{std::max<int64_t>(0, deadline_ms - unix_ms())};
      host_of(self).await(self->clock().now() + left, self->make_response_promise());
      return caf::delegated<order_view>{};
    },
    [=](shipment_atom, const shipment_news& news) {
      self->state.shipment_status = news.status; // an order has one shipment
      host_of(self).submit(cmd::shipment_update{news.shipment_id, news.status}, {});
      return true;
    },
    entity::handoff_handler<order_router_actor>(self),
    entity::tick_handler(self),
  };
}

} // namespace

order_actor spawn_order(caf::actor_system& sys, std::string id,
                        std::vector<domain::order_event> journal, order_peers peers,
                        order_options options, fence token) {
  return caf::actor_cast<order_actor>(
    spawn_counted(sys, order, std::move(id), std::move(journal), std::move(peers), options, token));
}

} // namespace agora::actors
