#include "cluster/cluster_metrics.hpp"

#include "runtime/base/metrics.hpp"

namespace agora::cluster {

cluster_metrics::cluster_metrics(prometheus::Registry& r)
  : members(metrics::gauges(r, "agora_cluster_members",
                            "Members of the cluster by status as this node last saw them "
                            "(live, down: up but silent past the TTL, left)")),
    shards_owned(
      metrics::gauges(r, "agora_cluster_shards_owned", "Shards this node owns, by kind")),
    handoffs(metrics::counters(r, "agora_cluster_handoffs_total",
                               "Shards this node handed over, by kind and outcome")),
    handoff_seconds(metrics::histograms(r, "agora_cluster_handoff_duration_seconds",
                                        "From a handoff's start until its writes landed")),
    shards_lost(metrics::counters(r, "agora_cluster_shards_lost_total",
                                  "Shards this node lost without a handoff (lease taken or "
                                  "not renewed in time), by kind")),
    syncs_failed(metrics::counter(r, "agora_cluster_lease_syncs_failed_total",
                                  "Lease keeper ticks that could not reach the database")),
    commands(metrics::counters(r, "agora_cluster_order_commands_total",
                               "Order commands routed by this node, by where the owner was "
                               "(local, remote)")),
    bounced(metrics::counter(r, "agora_cluster_order_commands_bounced_total",
                             "Order commands sent again: no owner yet, not the owner any more, "
                             "or the owner went down")),
    waiting(metrics::gauge(r, "agora_cluster_order_commands_waiting",
                           "Order commands held until their shard has an owner")) {
  for (auto* status : {"live", "down", "left"})
    members.Add({{"status", status}});
  for (auto* to : {"local", "remote"})
    commands.Add({{"to", to}});
}

void cluster_metrics::handoff(const std::string& kind, bool done, double seconds) {
  handoffs.Add({{"kind", kind}, {"outcome", done ? "done" : "failed"}}).Increment();
  if (done)
    handoff_seconds
      .Add({{"kind", kind}},
           prometheus::Histogram::BucketBoundaries{0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10})
      .Observe(seconds);
}

} // namespace agora::cluster
