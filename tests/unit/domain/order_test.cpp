#include "actors/domain/notifications.hpp"
#include "actors/domain/order.hpp"
#include "tests/support/samples.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace agora::domain;

namespace {

order_draft draft() {
  return agora::test::sample_draft();
}

/// Applies a decision's events and returns them, failing the test on a refusal.
std::vector<order_event> run(order_state& s, decision d) {
  REQUIRE(d.refused == refusal::none);
  for (auto& e : d.events)
    apply(s, e);
  return d.events;
}

order_state created() {
  order_state s;
  run(s, decide_create(s, draft(), 1000));
  return s;
}

order_state reserved() {
  auto s = created();
  run(s, decide_reservation(s, true, {}, 2000));
  return s;
}

order_state paid() {
  auto s = reserved();
  run(s, decide_payment(s, payment_outcome::captured, "pay_1", 3000, "", 3000));
  return s;
}

bool owes(const order_state& s, effect e) {
  auto all = pending_effects(s);
  return std::find(all.begin(), all.end(), e) != all.end();
}

} // namespace

TEST_CASE("a new order is PENDING and owes a reservation", "[order]") {
  auto s = created();
  CHECK(s.exists);
  CHECK(s.seq == 1);
  CHECK(s.status == order_status::pending);
  CHECK(s.created_at_ms == 1000);
  CHECK(pending_effects(s) == std::vector<effect>{effect::reserve_stock});
  CHECK(decide_create(s, draft(), 5000).events.empty()); // creating twice changes nothing
}

TEST_CASE("the happy path runs to DELIVERED and then owes only the stock commit", "[order]") {
  auto s = paid();
  CHECK(s.status == order_status::paid);
  CHECK(pending_effects(s) == std::vector<effect>{effect::create_shipment});
  run(s, decide_shipment_created(s, "shp_1", "TRK1", "DHL", 4000));
  CHECK(pending_effects(s) == std::vector<effect>{effect::follow_shipment});
  run(s, decide_shipment_status(s, shipment_status::in_transit, 5000));
  CHECK(s.status == order_status::shipped);
  CHECK(owes(s, effect::commit_stock));
  run(s, decide_shipment_status(s, shipment_status::delivered, 6000));
  CHECK(s.status == order_status::delivered);
  CHECK(is_terminal(s.status));
  CHECK_FALSE(settled(s));
  run(s, decide_effect_done(s, effect::commit_stock, 0, 7000));
  CHECK(settled(s));
}

TEST_CASE("a shipment delivered before it was seen moving ships and delivers at once", "[order]") {
  auto s = paid();
  run(s, decide_shipment_created(s, "shp_1", "TRK1", "DHL", 4000));
  auto events = run(s, decide_shipment_status(s, shipment_status::delivered, 5000));
  REQUIRE(events.size() == 2);
  CHECK(events[0].type == event_type::order_shipped);
  CHECK(events[1].type == event_type::order_delivered);
}

TEST_CASE("out of stock rejects the order and releases whatever a shard held", "[order]") {
  auto s = created();
  auto events = run(s, decide_reservation(s, false, {7}, 2000));
  REQUIRE(events.size() == 1);
  CHECK(events[0].products == std::vector<int64_t>{7});
  CHECK(s.status == order_status::rejected);
  CHECK(s.reason == order_reason::out_of_stock);
  CHECK(pending_effects(s) == std::vector<effect>{effect::release_stock});
  run(s, decide_effect_done(s, effect::release_stock, 0, 3000));
  CHECK(settled(s));
}

TEST_CASE("a declined payment cancels the order and releases its stock", "[order]") {
  auto s = reserved();
  auto events =
    run(s, decide_payment(s, payment_outcome::declined, "pay_1", 0, "insufficient_funds", 3000));
  REQUIRE(events.size() == 2);
  CHECK(events[1].type == event_type::order_cancelled);
  CHECK(s.status == order_status::cancelled);
  CHECK(s.reason == order_reason::payment_declined);
  CHECK(pending_effects(s) == std::vector<effect>{effect::release_stock});
}

TEST_CASE("a customer cancel after payment refunds, releases and cancels the shipment", "[order]") {
  auto s = paid();
  run(s, decide_shipment_created(s, "shp_1", "TRK1", "DHL", 4000));
  run(s, decide_cancel(s, 5000));
  CHECK(s.status == order_status::cancelled);
  CHECK(s.reason == order_reason::customer_request);
  CHECK(owes(s, effect::release_stock));
  CHECK(owes(s, effect::refund_payment));
  CHECK(owes(s, effect::cancel_shipment));
  CHECK_FALSE(owes(s, effect::void_payment));
  run(s, decide_effect_done(s, effect::refund_payment, 3000, 6000));
  run(s, decide_effect_done(s, effect::release_stock, 0, 6000));
  run(s, decide_effect_done(s, effect::cancel_shipment, 0, 6000));
  CHECK(settled(s));
}

TEST_CASE("a paid order cancelled before it heard of a shipment still cancels the shipment",
          "[order]") {
  // The create may have landed with its answer lost: shipping cancels it, or leaves a CANCELLED
  // one in its place so that none can follow.
  auto s = paid();
  run(s, decide_cancel(s, 4000));
  CHECK(owes(s, effect::cancel_shipment));
  run(s, decide_effect_done(s, effect::refund_payment, 3000, 5000));
  run(s, decide_effect_done(s, effect::release_stock, 0, 5000));
  CHECK_FALSE(settled(s));
  run(s, decide_effect_done(s, effect::cancel_shipment, 0, 5000));
  CHECK(settled(s));
}

TEST_CASE("a paid order that finds its shipment cancelled completes its customer's cancel",
          "[order]") {
  // The cancel cancels the shipment first; a crash before the order's journal entry leaves a
  // PAID order and a CANCELLED shipment, which only that cancel can have caused.
  auto s = paid();
  run(s, decide_shipment_created(s, "shp_1", "TRK1", "DHL", 4000));
  auto events = run(s, decide_shipment_status(s, shipment_status::cancelled, 5000));
  REQUIRE(events.size() == 1);
  CHECK(events[0].type == event_type::order_cancelled);
  CHECK(s.status == order_status::cancelled);
  CHECK(s.reason == order_reason::customer_request);
  CHECK(owes(s, effect::refund_payment));
  CHECK(owes(s, effect::release_stock));
  CHECK(owes(s, effect::cancel_shipment)); // answered at once: it is cancelled
  // Anything else finding a cancelled shipment changes nothing.
  auto c = created();
  CHECK(decide_shipment_status(c, shipment_status::cancelled, 5000).events.empty());
  CHECK(decide_shipment_status(s, shipment_status::cancelled, 6000).events.empty());
}

TEST_CASE("cancelling while a charge is in flight voids it, or refunds it if it landed",
          "[order]") {
  auto s = reserved();
  run(s, decide_cancel(s, 3000));
  CHECK(owes(s, effect::void_payment));
  SECTION("the charge never happened") {
    run(s, decide_payment(s, payment_outcome::voided, "pay_1", 0, "", 4000));
    CHECK_FALSE(owes(s, effect::void_payment));
    CHECK_FALSE(owes(s, effect::refund_payment));
  }
  SECTION("the charge landed after the cancel") {
    run(s, decide_payment(s, payment_outcome::captured, "pay_1", 3000, "", 4000));
    CHECK(s.status == order_status::cancelled); // a late capture does not revive the order
    CHECK(owes(s, effect::refund_payment));
    CHECK_FALSE(owes(s, effect::cancel_shipment)); // never paid, so never shipping
  }
}

TEST_CASE("shipped and terminal orders refuse a cancel", "[order]") {
  auto s = paid();
  run(s, decide_shipment_created(s, "shp_1", "TRK1", "DHL", 4000));
  run(s, decide_shipment_status(s, shipment_status::in_transit, 5000));
  CHECK(decide_cancel(s, 6000).refused == refusal::conflict);
  auto c = created();
  run(c, decide_cancel(c, 2000));
  CHECK(decide_cancel(c, 3000).refused == refusal::conflict);
  CHECK(decide_cancel(order_state{}, 0).refused == refusal::not_found);
}

TEST_CASE("a step that runs out of retries cancels with TIMEOUT, compensations never do",
          "[order]") {
  auto s = reserved();
  run(s, decide_step_timeout(s, effect::charge_payment, 9000));
  CHECK(s.status == order_status::cancelled);
  CHECK(s.reason == order_reason::timeout);
  CHECK(decide_step_timeout(s, effect::release_stock, 9500).events.empty());
  auto p = paid();
  CHECK(decide_step_timeout(p, effect::charge_payment, 9000).events.empty()); // stale timer
}

TEST_CASE("late or repeated answers change nothing", "[order]") {
  auto s = paid();
  CHECK(decide_reservation(s, true, {}, 5000).events.empty());
  CHECK(decide_payment(s, payment_outcome::declined, "pay_2", 0, "", 5000).events.empty());
  CHECK(decide_effect_done(s, effect::refund_payment, 1, 5000).events.empty());
}

TEST_CASE("replaying the journal rebuilds the same state", "[order]") {
  order_state live;
  std::vector<order_event> journal;
  auto step = [&](decision d) {
    for (auto& e : d.events) {
      apply(live, e);
      journal.push_back(e);
    }
  };
  step(decide_create(live, draft(), 1));
  step(decide_reservation(live, true, {}, 2));
  step(decide_payment(live, payment_outcome::captured, "pay_1", 3000, "", 3));
  step(decide_cancel(live, 4));
  order_state replayed;
  for (auto& e : journal)
    apply(replayed, e);
  CHECK(replayed.seq == live.seq);
  CHECK(replayed.status == live.status);
  CHECK(replayed.payment_id == "pay_1");
  CHECK(pending_effects(replayed) == pending_effects(live));
}

TEST_CASE("order events cause the contract's notifications, keyed by event", "[order][notify]") {
  order_state s;
  auto created_events = run(s, decide_create(s, draft(), 1));
  auto n = notification_for(s, created_events[0]);
  REQUIRE(n);
  CHECK(n->type == notification_type::order_created);
  CHECK(n->recipient == "ann@example.com");
  CHECK(n->dedupe_key == "ord_test:1");
  CHECK(n->body_text.find("30.00 USD") != std::string::npos);
  auto reserved_events = run(s, decide_reservation(s, true, {}, 2));
  CHECK_FALSE(notification_for(s, reserved_events[0]));
  auto captured = run(s, decide_payment(s, payment_outcome::captured, "pay_1", 3000, "", 3));
  CHECK(notification_for(s, captured[0])->type == notification_type::payment_status_changed);
}

TEST_CASE("a staff refund is journaled once per key and leaves the cancel's refund owed",
          "[order]") {
  auto s = paid();
  auto d = decide(s, order_cmd::staff_refund{"pay_1", 1000, "admin:k1"}, 4000);
  REQUIRE(d.events.size() == 1);
  CHECK(d.events[0].type == event_type::payment_refund_issued);
  CHECK(d.events[0].amount_cents == 1000);
  run(s, d);
  CHECK(decide(s, order_cmd::staff_refund{"pay_1", 1000, "admin:k1"}, 4100).events.empty());
  CHECK(s.status == order_status::paid);
  CHECK_FALSE(s.payment_refunded);
  auto notice = notification_for(s, d.events[0]);
  REQUIRE(notice);
  CHECK(notice->type == notification_type::payment_status_changed);
  // A cancel afterwards still refunds what is left of the payment.
  run(s, decide_cancel(s, 5000));
  auto owed = pending_effects(s);
  CHECK(std::find(owed.begin(), owed.end(), effect::refund_payment) != owed.end());
}
