#include "runtime/base/metrics.hpp"

#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/metric_family.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <chrono>
#include <cmath>
#include <dirent.h>
#include <dlfcn.h>
#include <fstream>
#include <iterator>
#include <sstream>
#include <unistd.h>

namespace agora::metrics {

hub::hub(std::string version, std::string node)
  : registry_(std::make_shared<prometheus::Registry>()) {
  prometheus::BuildGauge()
    .Name("agora_build_info")
    .Help("Build and node information; the value is always 1")
    .Register(*registry_)
    .Add({{"version", version}, {"node", node}})
    .Set(1);
  add(make_process_collector());
}

hub::~hub() = default;

prometheus::Registry& hub::registry() {
  return *registry_;
}

void hub::add(std::shared_ptr<prometheus::Collectable> collectable) {
  std::lock_guard<std::mutex> guard{mutex_};
  extra_.push_back(std::move(collectable));
}

std::string hub::render() const {
  auto families = registry_->Collect();
  {
    std::lock_guard<std::mutex> guard{mutex_};
    for (auto& c : extra_) {
      auto more = c->Collect();
      families.insert(families.end(), std::make_move_iterator(more.begin()),
                      std::make_move_iterator(more.end()));
    }
  }
  return prometheus::TextSerializer{}.Serialize(families);
}

namespace {

/// Whether a route label is the shop's (not staff, probes, scrapes or documentation).
bool shop_route(const std::string& route) {
  static const char* const others[] = {"/admin",   "/metrics",      "/healthz", "/readyz",
                                       "/console", "/openapi.json", "/docs"};
  for (auto* prefix : others)
    if (route.rfind(prefix, 0) == 0)
      return false;
  return true;
}

std::string label(const prometheus::ClientMetric& m, const std::string& name) {
  for (auto& l : m.label)
    if (l.name == name)
      return l.value;
  return {};
}

} // namespace

node_sample hub::sample() const {
  node_sample out;
  out.at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count();
  for (auto& family : registry_->Collect()) {
    if (family.name == "agora_order_events_total") {
      for (auto& m : family.metric)
        if (label(m, "event") == "ORDER_CREATED")
          out.orders_created += m.counter.value;
    } else if (family.name == "agora_http_request_duration_seconds") {
      for (auto& m : family.metric) {
        if (!shop_route(label(m, "route")))
          continue;
        auto& buckets = m.histogram.bucket;
        if (out.latency_le.empty())
          for (auto& b : buckets) {
            out.latency_le.push_back(b.upper_bound);
            out.latency_counts.push_back(0);
          }
        for (size_t i = 0; i < buckets.size() && i < out.latency_counts.size(); ++i)
          out.latency_counts[i] += static_cast<double>(buckets[i].cumulative_count);
        out.requests += static_cast<double>(m.histogram.sample_count);
      }
    }
  }
  // prometheus-cpp lists +Inf as a last bucket: the bounds stop before it.
  if (!out.latency_le.empty() && std::isinf(out.latency_le.back()))
    out.latency_le.pop_back();
  return out;
}

const std::vector<double>& latency_buckets() {
  static const std::vector<double> buckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                           0.1,    0.25,  0.5,    1.0,   2.5,  5.0,   10.0};
  return buckets;
}

prometheus::Family<prometheus::Counter>& counters(prometheus::Registry& r, const std::string& name,
                                                  const std::string& help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(r);
}

prometheus::Family<prometheus::Gauge>& gauges(prometheus::Registry& r, const std::string& name,
                                              const std::string& help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(r);
}

prometheus::Family<prometheus::Histogram>&
histograms(prometheus::Registry& r, const std::string& name, const std::string& help) {
  return prometheus::BuildHistogram().Name(name).Help(help).Register(r);
}

prometheus::Counter& counter(prometheus::Registry& r, const std::string& name,
                             const std::string& help) {
  return counters(r, name, help).Add({});
}

prometheus::Gauge& gauge(prometheus::Registry& r, const std::string& name,
                         const std::string& help) {
  return gauges(r, name, help).Add({});
}

prometheus::Histogram& histogram(prometheus::Registry& r, const std::string& name,
                                 const std::string& help) {
  return histograms(r, name, help).Add({}, latency_buckets());
}

namespace {

prometheus::MetricFamily gauge_family(std::string name, std::string help, double value,
                                      prometheus::MetricType type = prometheus::MetricType::Gauge) {
  prometheus::MetricFamily family;
  family.name = std::move(name);
  family.help = std::move(help);
  family.type = type;
  prometheus::ClientMetric metric;
  if (type == prometheus::MetricType::Counter)
    metric.counter.value = value;
  else
    metric.gauge.value = value;
  family.metric.push_back(std::move(metric));
  return family;
}

size_t count_open_fds() {
  size_t n = 0;
  if (DIR* dir = ::opendir("/proc/self/fd")) {
    while (auto* entry = ::readdir(dir))
      if (entry->d_name[0] != '.')
        ++n;
    ::closedir(dir);
  }
  return n > 0 ? n - 1 : 0; // the directory handle itself
}

/// jemalloc's mallctl() when the process allocates from jemalloc (the agora binary links it),
/// found at run time so that tests and tools linked without it still build.
using mallctl_fn = int (*)(const char*, void*, size_t*, void*, size_t);
mallctl_fn find_mallctl() {
  return reinterpret_cast<mallctl_fn>(::dlsym(RTLD_DEFAULT, "mallctl"));
}

/// The allocator's view of the heap: agora_heap_{allocated,active,resident}_bytes.
void add_heap_stats(std::vector<prometheus::MetricFamily>& out) {
  static const mallctl_fn mallctl = find_mallctl();
  if (mallctl == nullptr)
    return;
  uint64_t epoch = 1;
  size_t size = sizeof(epoch);
  mallctl("epoch", &epoch, &size, &epoch, size); // refresh the statistics
  struct heap_stat {
    const char* key;
    const char* name;
    const char* help;
  };
  for (auto [key, name, help] :
       {heap_stat{"stats.allocated", "agora_heap_allocated_bytes",
                  "Bytes the application holds from the allocator (jemalloc)"},
        heap_stat{"stats.active", "agora_heap_active_bytes",
                  "Bytes in the allocator's active pages (jemalloc)"},
        heap_stat{"stats.resident", "agora_heap_resident_bytes",
                  "Bytes of physically resident allocator pages, metadata included (jemalloc)"}}) {
    size_t value = 0;
    size = sizeof(value);
    if (mallctl(key, &value, &size, nullptr, 0) == 0)
      out.push_back(gauge_family(name, help, static_cast<double>(value)));
  }
}

class process_collector : public prometheus::Collectable {
 public:
  process_collector()
    : start_time_(
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count()) {}

  std::vector<prometheus::MetricFamily> Collect() const override {
    std::vector<prometheus::MetricFamily> out;
    // /proc/self/stat: fields 14/15 utime/stime (ticks), 20 threads, 23 vsize (bytes), 24 rss
    // (pages)
    std::ifstream in{"/proc/self/stat"};
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto close_paren = content.rfind(')');
    if (close_paren != std::string::npos) {
      std::istringstream fields{content.substr(close_paren + 2)};
      std::vector<std::string> f{std::istream_iterator<std::string>(fields),
                                 std::istream_iterator<std::string>()};
      // f[0] is field 3 (state).
      if (f.size() > 22) {
        double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
        double cpu = (std::stod(f[11]) + std::stod(f[12])) / ticks;
        double page = static_cast<double>(::sysconf(_SC_PAGESIZE));
        out.push_back(gauge_family("process_cpu_seconds_total",
                                   "Total user and system CPU time spent in seconds", cpu,
                                   prometheus::MetricType::Counter));
        out.push_back(gauge_family("process_threads", "Number of OS threads", std::stod(f[17])));
        out.push_back(gauge_family("process_virtual_memory_bytes", "Virtual memory size in bytes",
                                   std::stod(f[20])));
        out.push_back(gauge_family("process_resident_memory_bytes", "Resident memory size in bytes",
                                   std::stod(f[21]) * page));
      }
    }
    out.push_back(gauge_family("process_open_fds", "Number of open file descriptors",
                               static_cast<double>(count_open_fds())));
    out.push_back(gauge_family("process_start_time_seconds",
                               "Start time of the process since unix epoch in seconds",
                               start_time_));
    add_heap_stats(out);
    return out;
  }

 private:
  double start_time_;
};

} // namespace

std::shared_ptr<prometheus::Collectable> make_process_collector() {
  return std::make_shared<process_collector>();
}

} // namespace agora::metrics
