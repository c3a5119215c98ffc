#pragma once

#include "actors/protocol/inventory.hpp"

#include <chrono>
#include <string>

namespace caf {
class actor_system;
}

namespace agora {
class actor_registry;
}

namespace prometheus {
class Registry;
}

namespace agora::actors {

struct inventory_options {
  uint32_t shards = 8;
  std::string ops_email = "ops@localhost"; ///< recipient of LOW_INVENTORY_ALERT
  std::string public_url;                  ///< links in mails start with it
  std::chrono::milliseconds store_timeout{10000};
  /// A shard's writes in flight at once: while one lands, the next is already queued at the
  /// group-commit writer, so a command waits about one commit, not two.
  size_t writes_in_flight = 4;
  /// Answers to another node's bag of stock commands go back together once all are in; one that
  /// waits for slower ones waits at most this long.
  std::chrono::milliseconds bag_window{5};
};

/// Spawns shard `shard` of `options.shards`, starting from `snapshot` (what its store loaded);
/// its writes carry `epoch`, its lease's (0: none, for tests of the shard alone).
/// The shard decides in memory and answers only after its store has committed the change. It
/// counts into `metrics` (`agora_inventory_*`; every shard shares the same series).
protocol::inventory_actor spawn_inventory_shard(caf::actor_system& sys, uint32_t shard,
                                                protocol::shard_snapshot snapshot,
                                                protocol::inventory_store_actor store,
                                                inventory_options options, actor_registry& registry,
                                                prometheus::Registry& metrics, uint64_t epoch = 0);

} // namespace agora::actors
