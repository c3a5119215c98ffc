#pragma once

#include "actors/protocol/reads.hpp"

namespace caf {
class actor_system;
}

namespace agora {
class actor_registry;
}

namespace agora::persistence {

class connection_pool;

/// Spawns `workers` detached readers behind one handle.
protocol::read_store_actor spawn_read_store(caf::actor_system& sys, connection_pool& pool,
                                            size_t workers, actor_registry& registry);

} // namespace agora::persistence
