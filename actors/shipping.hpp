#pragma once

#include "actors/protocol/shipping.hpp"

#include <chrono>

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

struct shipping_options {
  std::chrono::seconds step{30}; ///< the simulated carrier moves a shipment on after this; 0: off
  std::chrono::milliseconds store_timeout{10000}; ///< the carrier's step query
  /// Wait after a carrier step that moved less than a full batch; 0: a quarter of `step`, within
  /// 50 ms and 1 s. A full batch is followed by the next step at once.
  std::chrono::milliseconds step_pause{0};
  /// The node owns order shards and tells the carrier which (a shard_map_listener): until the
  /// first map it moves nothing. Without it a starting node's carrier moved every shipment of
  /// the cluster, full step after full step, beside their owners' carriers: measured, a join
  /// under load stalled every door for ~2 s.
  bool follows_shards = false;
};

/// Spawns the shipping service: shipments through `store`, a carrier timer, and news of every
/// status change sent to the order router named by `track`. Told where the order shards are (as
/// a shard_map_listener of the orders kind), its carrier moves only the shipments of the orders
/// whose shards this node owns (none before the first map when `follows_shards`); a carrier never
/// told moves every shipment, one such carrier at a time.
protocol::shipping_actor spawn_shipping(caf::actor_system& sys,
                                        protocol::shipping_store_actor store,
                                        shipping_options options, actor_registry& registry,
                                        prometheus::Registry& metrics);

} // namespace agora::actors
