#include "actors/service_metrics.hpp"

#include "runtime/base/metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <cctype>

namespace agora::actors {

service_metrics::service_metrics(prometheus::Registry& registry, const std::string& service,
                                 std::initializer_list<std::pair<const char*, const char*>> known)
  : operations_(
    metrics::counters(registry, "agora_" + service + "_operations_total",
                      "Operations the " + service + " service answered, by operation and result")),
    durations_(metrics::histograms(registry, "agora_" + service + "_operation_duration_seconds",
                                   "Latency of the " + service
                                     + " service's operations (request to answer), by operation")) {
  for (auto& [operation, result] : known) {
    count(operation, result);
    latency(operation);
  }
}

prometheus::Counter& service_metrics::count(std::string_view operation, std::string_view result) {
  auto op = counters_.find(operation);
  if (op == counters_.end())
    op = counters_.emplace(std::string{operation}, decltype(op->second){}).first;
  auto i = op->second.find(result);
  if (i == op->second.end())
    i = op->second
          .emplace(std::string{result},
                   &operations_.Add({{"operation", op->first}, {"result", std::string{result}}}))
          .first;
  return *i->second;
}

prometheus::Histogram& service_metrics::latency(std::string_view operation) {
  auto i = histograms_.find(operation);
  if (i == histograms_.end())
    i = histograms_
          .emplace(std::string{operation}, &durations_.Add({{"operation", std::string{operation}}},
                                                           metrics::latency_buckets()))
          .first;
  return *i->second;
}

void service_metrics::observe(std::string_view operation, std::string_view result, double seconds) {
  count(operation, result).Increment();
  latency(operation).Observe(seconds);
}

std::string result_label(std::string_view status) {
  std::string out;
  out.reserve(status.size());
  for (char c : status)
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

} // namespace agora::actors
