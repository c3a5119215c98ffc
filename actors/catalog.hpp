#pragma once

#include "actors/protocol/catalog.hpp"
#include "actors/protocol/inventory.hpp"

#include <chrono>
#include <vector>

namespace caf {
class actor_system;
}

namespace agora {
class actor_registry;
}

namespace agora::actors {

struct catalog_options {
  std::chrono::milliseconds store_timeout{10000};
  /// How often the catalog reads the products changed through other nodes' doors (0: never).
  std::chrono::milliseconds refresh{500};
};

/// Spawns the node's catalog over `products` (loaded by its store). Created products are handed
/// to their inventory shard (`shards`, indexed by inventory_shard_of) before the creator hears.
protocol::catalog_actor spawn_catalog(caf::actor_system& sys, std::vector<domain::product> products,
                                      protocol::catalog_store_actor store,
                                      std::vector<protocol::inventory_actor> shards,
                                      catalog_options options, actor_registry& registry);

} // namespace agora::actors
