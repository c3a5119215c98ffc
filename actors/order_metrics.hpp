#pragma once

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
  void payment(std::string_view result);
  void reservation(bool held);

 private:
  struct impl;
  impl* impl_;
};

} // namespace agora::actors
