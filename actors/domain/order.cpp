#include "actors/domain/order.hpp"

#include "actors/domain/overloaded.hpp"

#include <algorithm>

namespace agora::domain {

namespace {

order_event make(event_type t, int64_t now_ms) {
  return event_at<order_event>(t, now_ms);
}

decision refuse(refusal r, std::string why) {
  return refusing<decision>(r, std::move(why));
}

decision one(order_event e) {
  decision d;
  d.events.push_back(std::move(e));
  return d;
}

order_event cancelled(order_reason reason, int64_t now_ms) {
  auto e = make(event_type::order_cancelled, now_ms);
  e.reason = reason;
  return e;
}

} // namespace

bool is_terminal(order_status s) {
  return s == order_status::delivered || s == order_status::cancelled
         || s == order_status::rejected;
}

void apply(order_state& s, const order_event& e) {
  ++s.seq;
  s.updated_at_ms = e.at_ms;
  switch (e.type) {
    case event_type::order_created:
      s.exists = true;
      s.order = e.draft;
      s.status = order_status::pending;
      s.created_at_ms = e.at_ms;
      break;
    case event_type::stock_reserved:
      s.status = order_status::reserved;
      s.charge_requested = true; // the charge starts as soon as the stock is held
      break;
    case event_type::order_rejected:
      s.status = order_status::rejected;
      s.reason = e.reason;
      break;
    case event_type::payment_captured:
      s.payment_id = e.payment_id;
      s.payment_captured = true;
      s.captured_cents = e.amount_cents;
      if (s.status == order_status::reserved) {
        s.status = order_status::paid;
        s.was_paid = true;
      }
      break;
    case event_type::payment_declined:
      s.payment_id = e.payment_id;
      s.payment_declined = true;
      break;
    case event_type::payment_voided: s.payment_voided = true; break;
    case event_type::shipment_created:
      s.shipment_id = e.shipment_id;
      s.tracking_number = e.tracking_number;
      s.carrier = e.carrier;
      break;
    case event_type::order_shipped: s.status = order_status::shipped; break;
    case event_type::order_delivered: s.status = order_status::delivered; break;
    case event_type::order_cancelled:
      s.status = order_status::cancelled;
      s.reason = e.reason;
      break;
    case event_type::stock_released: s.stock_released = true; break;
    case event_type::stock_committed: s.stock_committed = true; break;
    case event_type::payment_refunded: s.payment_refunded = true; break;
    case event_type::payment_refund_issued: s.staff_refunds.push_back(e.detail); break;
    case event_type::shipment_cancelled: s.shipment_cancelled = true; break;
  }
}

std::vector<effect> pending_effects(const order_state& s) {
  std::vector<effect> out;
  if (!s.exists)
    return out;
  switch (s.status) {
    case order_status::pending: out.push_back(effect::reserve_stock); break;
    case order_status::reserved: out.push_back(effect::charge_payment); break;
    case order_status::paid:
      out.push_back(s.shipment_id.empty() ? effect::create_shipment : effect::follow_shipment);
      break;
    case order_status::shipped:
      if (!s.stock_committed)
        out.push_back(effect::commit_stock);
      out.push_back(effect::follow_shipment);
      break;
    case order_status::delivered:
      if (!s.stock_committed)
        out.push_back(effect::commit_stock);
      break;
    case order_status::rejected:
      if (!s.stock_released)
        out.push_back(effect::release_stock);
      break;
    case order_status::cancelled:
      if (!s.stock_released && !s.stock_committed)
        out.push_back(effect::release_stock);
      if (s.charge_requested && !s.payment_captured && !s.payment_declined && !s.payment_voided)
        out.push_back(effect::void_payment);
      if (s.payment_captured && !s.payment_refunded)
        out.push_back(effect::refund_payment);
      // Once paid, a shipment may exist that the order never heard of (a create whose answer
      // was lost): cancelling one that does not exist leaves a CANCELLED one in its place.
      if ((s.was_paid || !s.shipment_id.empty()) && !s.shipment_cancelled)
        out.push_back(effect::cancel_shipment);
      break;
  }
  return out;
}

bool settled(const order_state& s) {
  return is_terminal(s.status) && pending_effects(s).empty();
}

decision decide_create(const order_state& s, order_draft draft, int64_t now_ms) {
  if (s.exists)
    return {}; // idempotent: the order is already there
  auto e = make(event_type::order_created, now_ms);
  e.draft = std::move(draft);
  return one(std::move(e));
}

decision decide_reservation(const order_state& s, bool reserved,
                            const std::vector<int64_t>& short_products, int64_t now_ms) {
  if (s.status != order_status::pending)
    return {}; // a late answer: a cancelled order releases whatever was held
  if (reserved)
    return one(make(event_type::stock_reserved, now_ms));
  auto e = make(event_type::order_rejected, now_ms);
  e.reason = order_reason::out_of_stock;
  e.products = short_products;
  return one(std::move(e));
}

decision decide_payment(const order_state& s, payment_outcome outcome,
                        const std::string& payment_id, int64_t amount_cents,
                        const std::string& detail, int64_t now_ms) {
  if (s.payment_captured || s.payment_declined || s.payment_voided || !s.charge_requested)
    return {}; // the first outcome stands
  decision d;
  if (outcome == payment_outcome::captured) {
    auto e = make(event_type::payment_captured, now_ms);
    e.payment_id = payment_id;
    e.amount_cents = amount_cents;
    d.events.push_back(std::move(e));
  } else if (outcome == payment_outcome::declined) {
    auto e = make(event_type::payment_declined, now_ms);
    e.payment_id = payment_id;
    e.detail = detail;
    d.events.push_back(std::move(e));
    if (s.status == order_status::reserved)
      d.events.push_back(cancelled(order_reason::payment_declined, now_ms));
  } else {
    auto e = make(event_type::payment_voided, now_ms);
    e.payment_id = payment_id;
    d.events.push_back(std::move(e));
  }
  return d;
}

decision decide_shipment_created(const order_state& s, const std::string& shipment_id,
                                 const std::string& tracking, const std::string& carrier,
                                 int64_t now_ms) {
  if (!s.shipment_id.empty()
      || (s.status != order_status::paid && s.status != order_status::cancelled))
    return {};
  auto e = make(event_type::shipment_created, now_ms);
  e.shipment_id = shipment_id;
  e.tracking_number = tracking;
  e.carrier = carrier;
  return one(std::move(e));
}

decision decide_shipment_status(const order_state& s, shipment_status status, int64_t now_ms) {
  bool moving = status == shipment_status::in_transit || status == shipment_status::out_for_delivery
                || status == shipment_status::delivered;
  decision d;
  if (moving && s.status == order_status::paid)
    d.events.push_back(make(event_type::order_shipped, now_ms));
  // Only an order's own cancel cancels its shipment, first thing (see the order actor): a paid
  // order that finds it cancelled lost that cancel's journal entry in a crash and completes it.
  if (status == shipment_status::cancelled && s.status == order_status::paid)
    d.events.push_back(cancelled(order_reason::customer_request, now_ms));
  if (status == shipment_status::delivered
      && (s.status == order_status::paid || s.status == order_status::shipped))
    d.events.push_back(make(event_type::order_delivered, now_ms));
  return d;
}

decision decide_cancel(const order_state& s, int64_t now_ms) {
  if (!s.exists)
    return refuse(refusal::not_found, "no such order");
  switch (s.status) {
    case order_status::pending:
    case order_status::reserved:
    case order_status::paid: return one(cancelled(order_reason::customer_request, now_ms));
    case order_status::shipped: return refuse(refusal::conflict, "the order has shipped");
    default: return refuse(refusal::conflict, "the order is " + std::string{to_string(s.status)});
  }
}

decision decide_step_timeout(const order_state& s, effect step, int64_t now_ms) {
  bool forward =
    (step == effect::reserve_stock && s.status == order_status::pending)
    || (step == effect::charge_payment && s.status == order_status::reserved)
    || (step == effect::create_shipment && s.status == order_status::paid && s.shipment_id.empty());
  if (!forward)
    return {}; // compensations and commits never give up; they retry with backoff
  return one(cancelled(order_reason::timeout, now_ms));
}

decision decide_effect_done(const order_state& s, effect done, int64_t amount_cents,
                            int64_t now_ms) {
  auto owed = pending_effects(s);
  if (std::find(owed.begin(), owed.end(), done) == owed.end())
    return {};
  switch (done) {
    case effect::release_stock: return one(make(event_type::stock_released, now_ms));
    case effect::commit_stock: return one(make(event_type::stock_committed, now_ms));
    case effect::cancel_shipment: return one(make(event_type::shipment_cancelled, now_ms));
    case effect::refund_payment: {
      auto e = make(event_type::payment_refunded, now_ms);
      e.payment_id = s.payment_id;
      e.amount_cents = amount_cents;
      return one(std::move(e));
    }
    default: return {};
  }
}

namespace {

/// The cancel of a paid order, once shipping has answered for the shipment.
decision decide_cancel_answer(const order_state& s, order_cmd::shipment_cancel outcome,
                              int64_t now_ms) {
  switch (outcome) {
    case order_cmd::shipment_cancel::cancelled: return decide_cancel(s, now_ms);
    case order_cmd::shipment_cancel::picked_up: // the news of it follows
      return refuse(refusal::conflict, "the order has shipped");
    case order_cmd::shipment_cancel::unanswered: break;
  }
  return refuse(refusal::unavailable, "shipping did not answer in time");
}

/// The shipment the order asked for; an earlier attempt's may have moved on already.
decision decide_shipment_answer(const order_state& s, const order_cmd::shipment_answer& a,
                                int64_t now_ms) {
  auto d = decide_shipment_created(s, a.shipment_id, a.tracking_number, a.carrier, now_ms);
  if (a.status == shipment_status::label_created)
    return d;
  auto after = s;
  for (auto& e : d.events)
    apply(after, e);
  if (after.shipment_id != a.shipment_id)
    return d;
  for (auto& e : decide_shipment_status(after, a.status, now_ms).events)
    d.events.push_back(e);
  return d;
}

} // namespace

namespace {

/// A refund staff made at the payment: journaled once per key (so its mail goes out once).
decision decide_staff_refund(const order_state& s, const order_cmd::staff_refund& x,
                             int64_t now_ms) {
  decision d;
  if (!s.exists
      || std::find(s.staff_refunds.begin(), s.staff_refunds.end(), x.key) != s.staff_refunds.end())
    return d;
  auto e = make(event_type::payment_refund_issued, now_ms);
  e.payment_id = x.payment_id;
  e.amount_cents = x.amount_cents;
  e.detail = x.key;
  d.events.push_back(std::move(e));
  return d;
}

} // namespace

decision decide(const order_state& s, const order_command& c, int64_t now_ms) {
  using namespace order_cmd;
  return std::visit(overloaded{
                      [&](const place& x) {
                        return decide_create(s, x.draft, now_ms);
                      },
                      [&](const cancel&) {
                        // A paid order's shipment (existing, or being created) can be picked up at
                        // any moment, and the news of it may still be on its way: the cancel must
                        // win that race at the shipment first, or the goods ship while the money is
                        // refunded and the stock released. Shipping cancels it only before pickup
                        // (or leaves a CANCELLED one if there is none yet, so none can follow); a
                        // crash before the journal entry is completed from the cancelled shipment
                        // (decide_shipment_status).
                        if (s.exists && s.status == order_status::paid) {
                          decision d;
                          d.consult = effect::cancel_shipment;
                          return d;
                        }
                        return decide_cancel(s, now_ms);
                      },
                      [&](const cancel_answer& x) {
                        return decide_cancel_answer(s, x.outcome, now_ms);
                      },
                      [&](const staff_refund& x) {
                        return decide_staff_refund(s, x, now_ms);
                      },
                      [&](const shipment_update& x) {
                        if (x.shipment_id != s.shipment_id)
                          return decision{}; // not (yet) the order's shipment
                        return decide_shipment_status(s, x.status, now_ms);
                      },
                      [&](const reservation_answer& x) {
                        return decide_reservation(s, x.held, x.short_products, now_ms);
                      },
                      [&](const payment_answer& x) {
                        return decide_payment(s, x.outcome, x.payment_id, x.amount_cents, x.detail,
                                              now_ms);
                      },
                      [&](const shipment_answer& x) {
                        return decide_shipment_answer(s, x, now_ms);
                      },
                      [&](const effect_answer& x) {
                        return decide_effect_done(s, x.done, x.amount_cents, now_ms);
                      },
                      [&](const give_up& x) {
                        return decide_step_timeout(s, x.step, now_ms);
                      },
                    },
                    c);
}

bool decided(const order_state& s) {
  return s.status != order_status::pending && s.status != order_status::reserved;
}

retry_step step_retry(effect step, int failures) {
  static const retry_policy backoff{3, std::chrono::milliseconds{400}, std::chrono::seconds{30}};
  bool forward = step == effect::reserve_stock || step == effect::charge_payment
                 || step == effect::create_shipment;
  if (forward && failures >= backoff.max_attempts)
    return {true, {}};
  return {false, backoff_delay(failures, backoff, 1.0)};
}

} // namespace agora::domain
