#include "actors/order.hpp"

#include "actors/domain/notifications.hpp"
#include "actors/entity/host.hpp"
#include "actors/order_metrics.hpp"
#include "runtime/base/actor_registry.hpp"
#include "runtime/base/clock.hpp"
#include "runtime/base/log.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <map>
#include <optional>

// An order's actor: the order domain (actors/domain/order.*) run by the entity host, wired here
// to the store, the inventory shards, payments and shipping.
namespace agora::actors {

namespace {

using namespace agora::protocol;
using namespace std::chrono;
using domain::effect;
namespace cmd = domain::order_cmd;

using order_impl = order_actor::extend<caf::reacts_to<tick_atom>>;

struct order_actor_state;
using self_ptr = order_impl::stateful_pointer<order_actor_state>;
using item = entity::pending<domain::order_entity>;

/// What the entity host asks of an order's actor (defined below the effects it performs).
struct order_port {
  self_ptr self;

  entity::time_point now() const;
  int64_t wall_ms() const;
  void tick_at(entity::time_point at) const;
  void persist(const std::vector<domain::order_event>& events, const std::deque<item>& batch,
               const domain::order_state& durable, const domain::order_state& after) const;
  void perform(effect e, uint64_t token, const domain::order_state& s) const;
  void consult(effect e, uint64_t token, const domain::order_state& ahead) const;
  void answer(item& it, const domain::order_state& s, const caf::error& err) const;
  void answer_await(caf::response_promise& rp, const domain::order_state& s) const;
  void applied(const std::vector<domain::order_event>& events, const domain::order_state& s) const;
  void step_ended(effect e, double seconds, int failures, const caf::error& err) const;
  void recover(const caf::error& err) const;
  void stop() const;
  void hand_on(std::deque<item>& held, caf::response_promise& rp) const;
};

using order_host = entity::host<domain::order_entity, order_port>;

struct order_actor_state {
  static inline const char* name = "order";
  std::string id;
  order_peers peers;
  order_options options;
  /// The shipment's last status heard from shipping (moves before delivery are not journaled).
  std::optional<domain::shipment_status> shipment_status;
  /// The status counted in agora_orders_live (kept apart: the state is gone when it stops).
  std::shared_ptr<std::string> live_status;
  order_router_actor successor; ///< where a handoff sends the commands held
  std::optional<order_host> host;
};

order_host& host_of(self_ptr self) {
  return *self->state.host;
}

order_view view(self_ptr self, const domain::order_state& s) {
  return view_of(s, self->state.shipment_status);
}

caf::error error_of(const domain::decision& d) {
  switch (d.refused) {
    case domain::refusal::none: break;
    case domain::refusal::not_found: return caf::make_error(errc::not_found, d.why);
    case domain::refusal::conflict: return caf::make_error(errc::conflict, d.why);
    case domain::refusal::unavailable: return caf::make_error(errc::timeout, d.why);
  }
  return {};
}

/// An attempt of `e` was answered: it decides as `c`.
void done(self_ptr self, effect e, uint64_t token, domain::order_command c) {
  host_of(self).completed(e, token, std::move(c));
}

auto failed(self_ptr self, effect e, uint64_t token) {
  return [=](caf::error& err) {
    host_of(self).failed(e, token, err);
  };
}

/// Sends `atom` (with the shard's items for a reserve) to every shard holding one of the order's
/// items; `all` gets every answer, and the first failure fails the attempt.
template <class Reply, class Atom, class All>
void to_shards(self_ptr self, effect e, uint64_t token, const domain::order_state& s, Atom atom,
               All all) {
  auto& shards = self->state.peers.shards;
  std::map<uint32_t, std::vector<domain::line_item>> by_shard;
  for (auto& item : s.order.items)
    by_shard[inventory_shard_of(item.product_id, static_cast<uint32_t>(shards.size()))].push_back(
      item);
  auto replies = std::make_shared<std::vector<Reply>>();
  auto left = std::make_shared<size_t>(by_shard.size());
  for (auto& [shard, items] : by_shard) {
    auto on_reply = [=](Reply& r) {
      replies->push_back(r);
      if (--*left == 0)
        all(*replies);
    };
    if constexpr (std::is_same_v<Atom, reserve_atom>)
      self->request(shards[shard], caf::infinite, atom, s.order.id, items)
        .then(on_reply, failed(self, e, token));
    else
      self->request(shards[shard], caf::infinite, atom, s.order.id)
        .then(on_reply, failed(self, e, token));
  }
}

void reserve(self_ptr self, uint64_t token, const domain::order_state& s) {
  auto e = effect::reserve_stock;
  to_shards<reserve_reply>(self, e, token, s, reserve_atom_v, [=](auto& replies) {
    cmd::reservation_answer a{true, {}};
    for (auto& r : replies) {
      self->state.peers.metrics->reservation(r.ok);
      a.held = a.held && r.ok;
      a.short_products.insert(a.short_products.end(), r.short_products.begin(),
                              r.short_products.end());
    }
    done(self, e, token, a);
  });
}

void finish_stock(self_ptr self, effect e, uint64_t token, const domain::order_state& s) {
  auto all = [=](auto&) {
    self->state.peers.metrics->compensation(domain::to_string(e));
    done(self, e, token, cmd::effect_answer{e, 0});
  };
  if (e == effect::release_stock)
    to_shards<bool>(self, e, token, s, release_atom_v, all);
  else
    to_shards<bool>(self, e, token, s, commit_atom_v, all);
}

domain::payment_outcome outcome_of(const payment& p) {
  if (p.status == domain::payment_status::declined)
    return domain::payment_outcome::declined;
  if (p.status == domain::payment_status::voided)
    return domain::payment_outcome::voided;
  return domain::payment_outcome::captured;
}

void pay(self_ptr self, effect e, uint64_t token, const domain::order_state& s) {
  auto& payments = self->state.peers.payments;
  auto answered = [=](payment& p) {
    self->state.peers.metrics->payment(outcome_of(p));
    done(self, e, token,
         cmd::payment_answer{outcome_of(p), p.id, p.amount_cents, p.decline_reason});
  };
  auto& o = s.order;
  if (e == effect::charge_payment)
    self
      ->request(payments, caf::infinite, charge_atom_v,
                charge_request{o.id, o.total_cents, o.currency, o.card_token, o.card_last4})
      .then(answered, failed(self, e, token));
  else
    self->request(payments, caf::infinite, void_atom_v, o.id)
      .then(answered, failed(self, e, token));
}

void refund(self_ptr self, uint64_t token, const domain::order_state& s) {
  auto e = effect::refund_payment;
  auto refunded = [=](int64_t cents) {
    self->state.peers.metrics->compensation("refund_payment");
    done(self, e, token, cmd::effect_answer{e, cents});
  };
  auto captured = s.captured_cents;
  self
    ->request(self->state.peers.payments, caf::infinite, refund_atom_v, s.payment_id, int64_t{0},
              "order:" + s.order.id + ":refund")
    .then(
      [=](payment& p) {
        refunded(p.refunded_cents);
      },
      [=](caf::error& err) {
        if (err == errc::conflict) // nothing left to refund: refunded before
          return refunded(captured);
        host_of(self).failed(e, token, err);
      });
}

void ship(self_ptr self, effect e, uint64_t token, const domain::order_state& s) {
  auto& st = self->state;
  if (e == effect::create_shipment) {
    // The answer is the shipment as it is now; shipping tells the order of every later move.
    self->request(st.peers.shipping, caf::infinite, create_atom_v, st.id, s.order.ship_to)
      .then(
        [=](shipment& sh) {
          self->state.shipment_status = sh.status;
          done(self, e, token,
               cmd::shipment_answer{sh.id, sh.tracking_number, sh.carrier, sh.status});
        },
        failed(self, e, token));
  } else if (e == effect::cancel_shipment) {
    auto cancelled = [=] {
      self->state.peers.metrics->compensation("cancel_shipment");
      done(self, e, token, cmd::effect_answer{e, 0});
    };
    self->request(st.peers.shipping, caf::infinite, cancel_atom_v, st.id)
      .then(
        [=](shipment&) {
          cancelled();
        },
        [=](caf::error& err) {
          if (err != errc::conflict)
            return host_of(self).failed(e, token, err);
          log::warn("order.shipment_not_cancelled").kv("order_id", self->state.id);
          done(self, e, token, cmd::effect_answer{e, 0}); // picked up: nothing to cancel
        });
  } else { // follow_shipment: once per activation; afterwards shipping tells the order
    self->request(st.peers.shipping, caf::infinite, get_atom_v, st.id)
      .then(
        [=](shipment& sh) {
          self->state.shipment_status = sh.status;
          done(self, e, token, cmd::shipment_update{sh.id, sh.status});
        },
        failed(self, e, token));
  }
}

entity::time_point order_port::now() const {
  return self->clock().now();
}
int64_t order_port::wall_ms() const {
  return unix_ms();
}
void order_port::tick_at(entity::time_point at) const {
  self->delayed_send(self, duration_cast<milliseconds>(at - now()) + 1ms, tick_atom_v);
}

/// Journals `events` with the projection as it stands after them and the mail they cause. No
/// timeout: the journal answers every append exactly once (committed, failed, or a lost COMMIT
/// resolved by reading back), and a timeout could fail an append that then commits.
void order_port::persist(const std::vector<domain::order_event>& events,
                         const std::deque<item>& batch, const domain::order_state& durable,
                         const domain::order_state& after) const {
  auto& st = self->state;
  journal_append a;
  a.order_id = st.id;
  a.token = host_of(self).fence();
  a.first_seq = durable.seq + 1;
  for (auto& it : batch)
    if (auto place = std::get_if<cmd::place>(&it.command); place && !it.decision.events.empty()) {
      a.idempotency_key = place->idempotency_key;
      a.request_hash = place->request_hash;
    }
  auto s = durable;
  for (auto& e : events) {
    domain::apply(s, e);
    if (auto n = domain::notification_for(s, e, st.options.public_url))
      a.notifications.push_back(std::move(*n));
  }
  a.events = events;
  a.projection = view_of(after, st.shipment_status);
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

void order_port::perform(effect e, uint64_t token, const domain::order_state& s) const {
  switch (e) {
    case effect::reserve_stock: return reserve(self, token, s);
    case effect::release_stock:
    case effect::commit_stock: return finish_stock(self, e, token, s);
    case effect::charge_payment:
    case effect::void_payment: return pay(self, e, token, s);
    case effect::refund_payment: return refund(self, token, s);
    case effect::create_shipment:
    case effect::cancel_shipment:
    case effect::follow_shipment: return ship(self, e, token, s);
  }
}

/// A paid order's cancel: shipping cancels the shipment first (only before pickup).
void order_port::consult(effect, uint64_t token, const domain::order_state&) const {
  auto& st = self->state;
  auto answer = [s = self, token](cmd::shipment_cancel outcome) {
    host_of(s).consulted(token, cmd::cancel_answer{outcome});
  };
  self->request(st.peers.shipping, st.options.step_timeout, cancel_atom_v, st.id)
    .then(
      [=](shipment& sh) {
        self->state.shipment_status = sh.status;
        answer(cmd::shipment_cancel::cancelled);
      },
      [=](caf::error& err) {
        answer(err == errc::conflict ? cmd::shipment_cancel::picked_up
                                     : cmd::shipment_cancel::unanswered);
      });
}

void order_port::answer(item& it, const domain::order_state& s, const caf::error& err) const {
  if (err)
    return it.promise.deliver(err);
  if (auto refused = error_of(it.decision))
    return it.promise.deliver(refused);
  it.promise.deliver(view(self, s));
}

void order_port::answer_await(caf::response_promise& rp, const domain::order_state& s) const {
  rp.deliver(view(self, s));
}

void order_port::applied(const std::vector<domain::order_event>& events,
                         const domain::order_state& s) const {
  auto& st = self->state;
  for (auto& e : events)
    st.peers.metrics->transition(domain::to_string(e.type));
  auto now = std::string{domain::to_string(s.status)};
  if (*st.live_status != now) {
    st.peers.metrics->live(*st.live_status, now);
    *st.live_status = now;
  }
}

void order_port::step_ended(effect e, double seconds, int failures, const caf::error& err) const {
  self->state.peers.metrics->step(domain::to_string(e), seconds, failures == 0);
  if (failures > 0)
    log::warn("order.step_failed")
      .kv("order_id", self->state.id)
      .kv("step", domain::to_string(e))
      .kv("attempt", failures)
      .kv("error", self->system().render(err));
}

/// An append failed: nothing of it was applied, so the durable state stands.
void order_port::recover(const caf::error& err) const {
  log::warn("order.append_failed")
    .kv("order_id", self->state.id)
    .kv("error", self->system().render(err));
  host_of(self).recovered(host_of(self).durable());
}

void order_port::stop() const {
  self->quit();
}

/// After a handoff: the requesters of the commands held get the successor's answers.
void order_port::hand_on(std::deque<item>& held, caf::response_promise& rp) const {
  auto& st = self->state;
  for (auto& it : held) {
    if (!it.promise.pending())
      continue; // a service's answer: the successor asks again
    if (auto place = std::get_if<cmd::place>(&it.command))
      it.promise.delegate(st.successor, create_atom_v,
                          create_order{place->draft, place->idempotency_key, place->request_hash});
    else if (std::holds_alternative<cmd::cancel>(it.command))
      it.promise.delegate(st.successor, cancel_atom_v, st.id);
  }
  rp.deliver(true);
  self->quit();
}

order_impl::behavior_type order(self_ptr self, std::string id,
                                std::vector<domain::order_event> journal, order_peers peers,
                                order_options options, fence token) {
  auto& st = self->state;
  st.id = id;
  st.peers = std::move(peers);
  st.options = options;
  domain::order_state s;
  for (auto& e : journal)
    domain::apply(s, e);
  AGORA_CHECK(journal.empty() || s.order.id == id); // the journal is this order's
  track(self, *st.peers.registry, "order", id);
  st.live_status =
    std::make_shared<std::string>(s.exists ? std::string{domain::to_string(s.status)} : "");
  if (s.exists)
    st.peers.metrics->live({}, *st.live_status);
  self->attach_functor([metrics = st.peers.metrics, status = st.live_status] {
    if (!status->empty())
      metrics->live(*status, {});
  });
  entity::options host_options{options.step_timeout, options.idle, true};
  st.host.emplace(order_port{self}, host_options, token);
  st.host->activate(std::move(s)); // a recovered order resumes the step it was in
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
    [=](handoff_atom, order_router_actor successor) {
      self->state.successor = std::move(successor);
      host_of(self).hand_off(self->make_response_promise());
      return caf::delegated<bool>{};
    },
    [=](tick_atom) {
      host_of(self).tick();
    },
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
