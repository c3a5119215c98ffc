#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace prometheus {
class Collectable;
class Counter;
class Gauge;
class Histogram;
class Registry;
template <typename T>
class Family;
} // namespace prometheus

namespace agora::metrics {

/// A node's own counters as the console's live strip and `agoractl top` read them: cumulative
/// values, so a client turns two samples into orders/s and a p99 over the time between them.
struct node_sample {
  int64_t at_ms = 0;
  double orders_created = 0;      ///< ORDER_CREATED events this node's orders journaled
  double requests = 0;            ///< shop requests answered (not /admin, probes, metrics, docs)
  std::vector<double> latency_le; ///< bucket bounds in seconds (+Inf implied last)
  std::vector<double> latency_counts; ///< cumulative count per bound, then the total
};

/// The node's metrics: one prometheus-cpp registry that every module declares its metrics in
/// (once, as a struct of references built by one function), plus extra collectables such as the
/// process collector. The front door renders it on /metrics.
class hub {
 public:
  /// `version` and `node` label the `agora_build_info` gauge.
  hub(std::string version, std::string node);
  ~hub();

  hub(const hub&) = delete;
  hub& operator=(const hub&) = delete;

  prometheus::Registry& registry();

  void add(std::shared_ptr<prometheus::Collectable> collectable);

  /// Prometheus text exposition format (0.0.4) of everything collected.
  std::string render() const;

  /// The counters of node_sample, read from the registry now.
  node_sample sample() const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<prometheus::Collectable>> extra_;
};

/// Standard `process_*` metrics read from /proc/self: CPU seconds, resident and virtual memory,
/// open file descriptors, start time, threads.
std::shared_ptr<prometheus::Collectable> make_process_collector();

/// Latency buckets in seconds, from 0.5 ms to 10 s.
const std::vector<double>& latency_buckets();

// How a module declares its metrics, the one way: a struct of references, each built in its
// constructor by one of these (registering the same name twice answers the same family).
prometheus::Family<prometheus::Counter>& counters(prometheus::Registry& r, const std::string& name,
                                                  const std::string& help);
prometheus::Family<prometheus::Gauge>& gauges(prometheus::Registry& r, const std::string& name,
                                              const std::string& help);
prometheus::Family<prometheus::Histogram>&
histograms(prometheus::Registry& r, const std::string& name, const std::string& help);
/// The one series of a family without labels.
prometheus::Counter& counter(prometheus::Registry& r, const std::string& name,
                             const std::string& help);
prometheus::Gauge& gauge(prometheus::Registry& r, const std::string& name, const std::string& help);
/// With the latency buckets.
prometheus::Histogram& histogram(prometheus::Registry& r, const std::string& name,
                                 const std::string& help);

} // namespace agora::metrics
