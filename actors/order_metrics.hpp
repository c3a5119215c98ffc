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

 private:
  struct impl;
  impl* impl_;
};

} // namespace agora::actors
