#pragma once

#include "actors/domain/order.hpp"

#include <array>
#include <atomic>
#include <cstdint>
#include <optional>
#include <type_traits>

namespace prometheus {
class Counter;
class Gauge;
class Histogram;
class Registry;
} // namespace prometheus

namespace agora::actors {

/// The order saga's metrics, declared once per node: every series created at start (so rate() and
/// the dashboard see zeros, not gaps) and kept by enum, so counting takes no label lookup.
class order_metrics {
 public:
  explicit order_metrics(prometheus::Registry& registry);

  void transition(domain::event_type event);
  void step(domain::effect step, double seconds, bool ok);
  void compensation(domain::effect effect);
  /// Live order actors by status: `from` empty on activation, `to` empty when one stops.
  void live(std::optional<domain::order_status> from, std::optional<domain::order_status> to);
  void payment(domain::payment_outcome outcome);
  void reservation(bool held);
  /// Orders found behind their shipment and told its news again.
  void reconciled(size_t orders);

  /// Live orders still in their forward path (PENDING, RESERVED): the saga's backlog, which
  /// admission control bounds.
  int64_t in_progress() const {
    return in_progress_.load(std::memory_order_relaxed);
  }

 private:
  template <class Enum, class Series>
  using by =
    std::array<Series*, std::extent_v<std::remove_reference_t<decltype(text_table(Enum{}))>>>;

  by<domain::event_type, prometheus::Counter> transitions_{};
  by<domain::effect, prometheus::Histogram> step_seconds_{};
  by<domain::effect, prometheus::Counter> step_failures_{};
  by<domain::effect, prometheus::Counter> compensations_{};
  by<domain::order_status, prometheus::Gauge> live_{};
  by<domain::payment_outcome, prometheus::Counter> payments_{};
  std::array<prometheus::Counter*, 2> reservations_{}; ///< refused, held
  prometheus::Counter* reconciled_ = nullptr;
  std::atomic<int64_t> in_progress_{0};
};

} // namespace agora::actors
