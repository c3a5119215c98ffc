#include "actors/order_metrics.hpp"

#include "actors/domain/order.hpp"
#include "runtime/base/metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace agora::actors {

struct order_metrics::impl {
  prometheus::Family<prometheus::Counter>& transitions;
  prometheus::Family<prometheus::Histogram>& step_seconds;
  prometheus::Family<prometheus::Counter>& step_failures;
  prometheus::Family<prometheus::Counter>& compensations;
  prometheus::Family<prometheus::Gauge>& live;
  prometheus::Family<prometheus::Counter>& payments;
  prometheus::Family<prometheus::Counter>& reservations;
};

order_metrics::order_metrics(prometheus::Registry& r)
  : impl_(new impl{
    metrics::counters(r, "agora_order_events_total",
                      "Order journal events appended, by event type"),
    metrics::histograms(r, "agora_order_step_duration_seconds",
                        "Saga step latency (request to answer), by step"),
    metrics::counters(r, "agora_order_step_failures_total",
                      "Saga step attempts that failed or timed out, by step"),
    metrics::counters(r, "agora_order_compensations_total",
                      "Compensations completed (release, refund, void, cancel shipment)"),
    metrics::gauges(r, "agora_orders_live", "Order actors alive on this node, by order status"),
    metrics::counters(r, "agora_order_payments_total",
                      "Payment outcomes seen by orders (captured, declined, voided)"),
    metrics::counters(r, "agora_order_reservations_total",
                      "Stock reservations answered to orders (held, refused)")}) {
  // Every known series exists from the start, so rate() and the dashboard see zeros, not gaps.
  for (auto e = 0; e <= static_cast<int>(domain::effect::cancel_shipment); ++e)
    impl_->step_failures.Add(
      {{"step", std::string{domain::to_string(static_cast<domain::effect>(e))}}});
  for (auto* effect : {"release_stock", "void_payment", "refund_payment", "cancel_shipment"})
    impl_->compensations.Add({{"effect", effect}});
  for (auto* result : {"captured", "declined", "voided"})
    impl_->payments.Add({{"result", result}});
  for (auto* result : {"held", "refused"})
    impl_->reservations.Add({{"result", result}});
}

order_metrics::~order_metrics() {
  delete impl_;
}

void order_metrics::transition(std::string_view event) {
  impl_->transitions.Add({{"event", std::string{event}}}).Increment();
}

void order_metrics::step(std::string_view step, double seconds, bool ok) {
  impl_->step_seconds.Add({{"step", std::string{step}}}, metrics::latency_buckets())
    .Observe(seconds);
  if (!ok)
    impl_->step_failures.Add({{"step", std::string{step}}}).Increment();
}

void order_metrics::live(std::string_view from, std::string_view to) {
  auto forward = [](std::string_view s) {
    return s == "PENDING" || s == "RESERVED";
  };
  if (forward(from))
    in_progress_.fetch_sub(1, std::memory_order_relaxed);
  if (forward(to))
    in_progress_.fetch_add(1, std::memory_order_relaxed);
  if (!from.empty())
    impl_->live.Add({{"status", std::string{from}}}).Decrement();
  if (!to.empty())
    impl_->live.Add({{"status", std::string{to}}}).Increment();
}

void order_metrics::payment(domain::payment_outcome outcome) {
  impl_->payments.Add({{"result", std::string{domain::to_string(outcome)}}}).Increment();
}

void order_metrics::reservation(bool held) {
  impl_->reservations.Add({{"result", held ? "held" : "refused"}}).Increment();
}

void order_metrics::compensation(std::string_view effect) {
  impl_->compensations.Add({{"effect", std::string{effect}}}).Increment();
}

} // namespace agora::actors
