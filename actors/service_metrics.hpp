#pragma once

#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <utility>

namespace prometheus {
class Counter;
class Histogram;
class Registry;
template <typename T>
class Family;
} // namespace prometheus

namespace agora::actors {

/// The operations of one service actor (payment, shipping), as that service sees them:
/// `agora_<service>_operations_total{operation,result}` and
/// `agora_<service>_operation_duration_seconds{operation}`. Used by the service's one actor only,
/// so it caches its series without a lock.
class service_metrics {
 public:
  /// `known` lists the (operation, result) pairs created at start, so dashboards see zeros.
  service_metrics(prometheus::Registry& registry, const std::string& service,
                  std::initializer_list<std::pair<const char*, const char*>> known);

  service_metrics(const service_metrics&) = delete;
  service_metrics& operator=(const service_metrics&) = delete;

  /// One answered operation: `result` is a lower-case outcome ("captured", "ok", "error").
  void observe(std::string_view operation, std::string_view result, double seconds);

 private:
  prometheus::Counter& count(std::string_view operation, std::string_view result);
  prometheus::Histogram& latency(std::string_view operation);

  prometheus::Family<prometheus::Counter>& operations_;
  prometheus::Family<prometheus::Histogram>& durations_;
  /// operation -> result -> series; looked up by string_view, so a hit allocates nothing.
  std::map<std::string, std::map<std::string, prometheus::Counter*, std::less<>>, std::less<>>
    counters_;
  std::map<std::string, prometheus::Histogram*, std::less<>> histograms_;
};

/// A payment's status as a metric label: "CAPTURED" -> "captured".
std::string result_label(std::string_view status);

} // namespace agora::actors
