#pragma once

#include "actors/domain/order.hpp"

#include <atomic>
#include <cstdint>
#include <string>

namespace prometheus {
class Registry;
}

namespace agora::actors {

/// The order saga's metrics, declared once per node.
class order_metrics {
 public:
  explicit order_metrics(prometheus::Registry& registry);
  ~order_metrics();

  void transition(std::string_view event);
  void step(std::string_view step, double seconds, bool ok);
  void compensation(std::string_view effect);
  /// Live order actors by status: `from` empty on activation, `to` empty when one stops.
  void live(std::string_view from, std::string_view to);
  void payment(domain::payment_outcome outcome);
  void reservation(bool held);

  /// Live orders still in their forward path (PENDING, RESERVED): the saga's backlog, which
  /// admission control bounds.
  int64_t in_progress() const {
    return in_progress_.load(std::memory_order_relaxed);
  }

 private:
  struct impl;
  impl* impl_;
  std::atomic<int64_t> in_progress_{0};
};

} // namespace agora::actors
