#pragma once

#include <caf/actor.hpp>

#include <chrono>
#include <cstddef>

namespace caf {
class actor_system;
}

namespace prometheus {
class Registry;
}

namespace agora {
class actor_registry;
}

namespace agora::cluster {

struct courier_options {
  /// A bag leaves this long after its first command (or when full): the delay a remote stock
  /// command may take for fewer, larger messages between nodes.
  std::chrono::milliseconds window{5};
  size_t max_bag = 256;
};

/// A node's courier of stock commands (reserve, release, commit) to inventory shards that other
/// nodes own. A shard proxy hands it each such command as (carry, owner's host, shard, command),
/// keeping the requester and its request id; the courier packs the commands bound for one host
/// into one message (bag, [carried_command]) and gives each requester its own answer from the
/// bags of answers that come back. Between busy nodes that is a few messages for many commands:
/// each message across the cluster port costs both nodes system calls (TLS) and wake-ups.
/// When a host goes down, its commands still unanswered fail with errc::unavailable (the order
/// tries again, through the shard's new owner). Counts `agora_cluster_stock_bags_total` and
/// `agora_cluster_stock_commands_carried_total`.
caf::actor spawn_courier(caf::actor_system& sys, courier_options options,
                         prometheus::Registry& metrics, actor_registry& registry);

} // namespace agora::cluster
