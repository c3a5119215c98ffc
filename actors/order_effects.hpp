#pragma once

#include "actors/order.hpp"
#include "actors/order_metrics.hpp"
#include "runtime/base/clock.hpp"
#include "runtime/base/gather.hpp"
#include "runtime/base/log.hpp"

#include <caf/error.hpp>

#include <functional>
#include <map>
#include <string>
#include <vector>

// How an order performs the effects it owes: one request to the service that owns the effect (or
// one per inventory shard holding its items), and the command each answer decides as. Requests
// set no CAF timer: the entity host fails an attempt at its deadline and ignores late answers.
namespace agora::actors {

/// One attempt of one effect. It ends with `done(command)` or `failed(error)`.
template <class Self>
struct order_effect {
  Self* self;
  const order_peers& peers;
  const domain::order_state& s;
  std::function<void(domain::order_command)> done;
  std::function<void(const caf::error&)> failed;

  void perform(domain::effect e) const {
    using domain::effect;
    switch (e) {
      case effect::reserve_stock: return reserve();
      case effect::release_stock:
      case effect::commit_stock: return finish_stock(e);
      case effect::charge_payment:
      case effect::void_payment: return pay(e);
      case effect::refund_payment: return refund();
      case effect::create_shipment: return create_shipment();
      case effect::cancel_shipment: return cancel_shipment();
      case effect::follow_shipment: return follow_shipment();
    }
  }

 private:
  auto fail() const {
    return [f = failed](caf::error& err) {
      f(err);
    };
  }

  /// Sends `atom` (with the shard's items for a reserve) to every shard holding one of the order's
  /// items; `all` gets every answer, and the first failure fails the attempt.
  template <class Reply, class Atom, class All>
  void to_shards(Atom atom, All all) const {
    auto& shards = peers.shards;
    std::map<uint32_t, std::vector<domain::line_item>> by_shard;
    for (auto& item : s.order.items)
      by_shard[protocol::inventory_shard_of(item.product_id, static_cast<uint32_t>(shards.size()))]
        .push_back(item);
    auto ask = [&](auto& entry) {
      if constexpr (std::is_same_v<Atom, protocol::reserve_atom>)
        return self->request(shards[entry.first], caf::infinite, atom, s.order.id, entry.second);
      else
        return self->request(shards[entry.first], caf::infinite, atom, s.order.id);
    };
    gather<Reply>(by_shard, ask, all, fail());
  }

  void reserve() const {
    to_shards<protocol::reserve_reply>(
      protocol::reserve_atom_v, [metrics = peers.metrics, done = done](auto& replies) {
        domain::order_cmd::reservation_answer a{true, {}};
        for (auto& r : replies) {
          metrics->reservation(r.ok);
          a.held = a.held && r.ok;
          a.short_products.insert(a.short_products.end(), r.short_products.begin(),
                                  r.short_products.end());
        }
        done(a);
      });
  }

  void finish_stock(domain::effect e) const {
    auto all = [e, metrics = peers.metrics, done = done](auto&) {
      metrics->compensation(e);
      done(domain::order_cmd::effect_answer{e, 0});
    };
    if (e == domain::effect::release_stock)
      to_shards<bool>(protocol::release_atom_v, all);
    else
      to_shards<bool>(protocol::commit_atom_v, all);
  }

  void pay(domain::effect e) const {
    auto answered = [metrics = peers.metrics, done = done](protocol::payment& p) {
      auto outcome = domain::outcome_of(p.status);
      metrics->payment(outcome);
      done(domain::order_cmd::payment_answer{outcome, p.id, p.amount_cents, p.decline_reason});
    };
    auto& o = s.order;
    if (e == domain::effect::charge_payment)
      self
        ->request(peers.payments, caf::infinite, protocol::charge_atom_v,
                  protocol::charge_request{o.id, o.total_cents, o.currency, o.card_token,
                                           o.card_last4,
                                           unix_ms() + self->state.options.step_timeout.count()})
        .then(answered, fail());
    else
      self->request(peers.payments, caf::infinite, protocol::void_atom_v, o.id)
        .then(answered, fail());
  }

  /// A conflict means nothing is left to refund: it was refunded before.
  void refund() const {
    auto refunded = [metrics = peers.metrics, done = done](int64_t cents) {
      metrics->compensation(domain::effect::refund_payment);
      done(domain::order_cmd::effect_answer{domain::effect::refund_payment, cents});
    };
    self
      ->request(peers.payments, caf::infinite, protocol::refund_atom_v, s.payment_id, int64_t{0},
                "order:" + s.order.id + ":refund")
      .then(
        [=](protocol::payment& p) {
          refunded(p.refunded_cents);
        },
        [=, captured = s.captured_cents, failed = failed](caf::error& err) {
          if (err == protocol::errc::conflict)
            return refunded(captured);
          failed(err);
        });
  }

  /// The answer is the shipment as it is now; shipping tells the order of every later move.
  void create_shipment() const {
    self
      ->request(peers.shipping, caf::infinite, protocol::create_atom_v, s.order.id, s.order.ship_to)
      .then(
        [done = done](protocol::shipment& sh) {
          done(
            domain::order_cmd::shipment_answer{sh.id, sh.tracking_number, sh.carrier, sh.status});
        },
        fail());
  }

  /// A conflict means the carrier picked the parcel up: there is nothing to cancel any more.
  void cancel_shipment() const {
    auto cancelled = [metrics = peers.metrics, done = done] {
      metrics->compensation(domain::effect::cancel_shipment);
      done(domain::order_cmd::effect_answer{domain::effect::cancel_shipment, 0});
    };
    self->request(peers.shipping, caf::infinite, protocol::cancel_atom_v, s.order.id)
      .then(
        [=](protocol::shipment&) {
          cancelled();
        },
        [id = s.order.id, done = done, failed = failed](caf::error& err) {
          if (err != protocol::errc::conflict)
            return failed(err);
          log::warn("order.shipment_not_cancelled").kv("order_id", id);
          done(domain::order_cmd::effect_answer{domain::effect::cancel_shipment, 0});
        });
  }

  /// Once per activation; afterwards shipping tells the order.
  void follow_shipment() const {
    self->request(peers.shipping, caf::infinite, protocol::get_atom_v, s.order.id)
      .then(
        [done = done](protocol::shipment& sh) {
          done(domain::order_cmd::shipment_update{sh.id, sh.status});
        },
        fail());
  }
};

} // namespace agora::actors
