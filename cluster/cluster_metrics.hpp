#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>

#include <string>

namespace prometheus {
class Registry;
}

namespace agora::cluster {

/// The cluster's series (`agora_cluster_*`), shared by the lease keeper and the order router.
struct cluster_metrics {
  explicit cluster_metrics(prometheus::Registry& r);

  prometheus::Family<prometheus::Gauge>& members;             ///< {status}: live, down, left
  prometheus::Family<prometheus::Gauge>& shards_owned;        ///< {kind}
  prometheus::Family<prometheus::Counter>& handoffs;          ///< {kind, outcome}
  prometheus::Family<prometheus::Histogram>& handoff_seconds; ///< {kind}
  prometheus::Family<prometheus::Counter>& shards_lost;       ///< {kind}
  prometheus::Counter& syncs_failed;
  prometheus::Family<prometheus::Counter>& commands; ///< {to}: local, remote
  prometheus::Counter& bounced;
  prometheus::Gauge& waiting;

  void handoff(const std::string& kind, bool done, double seconds);
};

} // namespace agora::cluster
