#pragma once

#include "actors/protocol/catalog.hpp"

namespace caf {
class actor_system;
}

namespace agora {
class actor_registry;
}

namespace agora::persistence {

class connection_pool;

/// Spawns the catalog store: a detached actor (its calls block on the database).
protocol::catalog_store_actor spawn_catalog_store(caf::actor_system& sys, connection_pool& pool,
                                                  actor_registry& registry);

} // namespace agora::persistence
