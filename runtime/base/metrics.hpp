#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace prometheus {
class Collectable;
class Registry;
} // namespace prometheus

namespace agora::metrics {

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

} // namespace agora::metrics
