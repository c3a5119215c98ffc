#include "actors/order_metrics.hpp"

#include "runtime/base/metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>

namespace agora::actors {

namespace {

/// One series per value of the enum, labelled `label` = the value's text.
template <class Series, class Family, class Array, class Enum, size_t N>
void each(Family& family, const char* label, Array& out,
          const domain::enum_text<Enum> (&names)[N]) {
  for (auto& [value, text] : names) {
    if constexpr (std::is_same_v<Series, prometheus::Histogram>)
      out[static_cast<size_t>(value)] =
        &family.Add({{label, std::string{text}}}, metrics::latency_buckets());
    else
      out[static_cast<size_t>(value)] = &family.Add({{label, std::string{text}}});
  }
}

} // namespace

order_metrics::order_metrics(prometheus::Registry& r) {
  each<prometheus::Counter>(metrics::counters(r, "agora_order_events_total",
                                              "Order journal events appended, by event type"),
                            "event", transitions_, domain::event_type_names);
  each<prometheus::Histogram>(metrics::histograms(r, "agora_order_step_duration_seconds",
                                                  "Saga step latency (request to answer), by step"),
                              "step", step_seconds_, domain::effect_names);
  each<prometheus::Counter>(
    metrics::counters(r, "agora_order_step_failures_total",
                      "Saga step attempts that failed or timed out, by step"),
    "step", step_failures_, domain::effect_names);
  each<prometheus::Counter>(
    metrics::counters(r, "agora_order_compensations_total",
                      "Compensations completed (release, refund, void, cancel shipment)"),
    "effect", compensations_, domain::effect_names);
  each<prometheus::Gauge>(
    metrics::gauges(r, "agora_orders_live", "Order actors alive on this node, by order status"),
    "status", live_, domain::order_status_names);
  each<prometheus::Counter>(
    metrics::counters(r, "agora_order_payments_total",
                      "Payment outcomes seen by orders (captured, declined, "
                      "voided)"),
    "result", payments_, domain::payment_outcome_names);
  auto& reservations = metrics::counters(r, "agora_order_reservations_total",
                                         "Stock reservations answered to orders (held, refused)");
  reservations_ = {&reservations.Add({{"result", "refused"}}),
                   &reservations.Add({{"result", "held"}})};
  reconciled_ = &metrics::counters(r, "agora_order_reconciled_total",
                                   "Orders found behind their shipment (its news lost) and told "
                                   "again")
                   .Add({});
}

void order_metrics::transition(domain::event_type event) {
  transitions_[static_cast<size_t>(event)]->Increment();
}

void order_metrics::step(domain::effect step, double seconds, bool ok) {
  step_seconds_[static_cast<size_t>(step)]->Observe(seconds);
  if (!ok)
    step_failures_[static_cast<size_t>(step)]->Increment();
}

void order_metrics::compensation(domain::effect effect) {
  compensations_[static_cast<size_t>(effect)]->Increment();
}

void order_metrics::live(std::optional<domain::order_status> from,
                         std::optional<domain::order_status> to) {
  auto forward = [](std::optional<domain::order_status> s) {
    return s == domain::order_status::pending || s == domain::order_status::reserved;
  };
  if (forward(from))
    in_progress_.fetch_sub(1, std::memory_order_relaxed);
  if (forward(to))
    in_progress_.fetch_add(1, std::memory_order_relaxed);
  if (from)
    live_[static_cast<size_t>(*from)]->Decrement();
  if (to)
    live_[static_cast<size_t>(*to)]->Increment();
}

void order_metrics::payment(domain::payment_outcome outcome) {
  payments_[static_cast<size_t>(outcome)]->Increment();
}

void order_metrics::reservation(bool held) {
  reservations_[held ? 1 : 0]->Increment();
}

void order_metrics::reconciled(size_t orders) {
  reconciled_->Increment(static_cast<double>(orders));
}

} // namespace agora::actors
