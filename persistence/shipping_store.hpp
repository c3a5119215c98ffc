#pragma once

#include "actors/protocol/shipping.hpp"

namespace caf {
class actor_system;
}

namespace agora {
class actor_registry;
}

namespace agora::persistence {

class connection_pool;

/// Spawns `workers` detached shipping store workers behind one handle.
protocol::shipping_store_actor spawn_shipping_store(caf::actor_system& sys, connection_pool& pool,
                                                    size_t workers, actor_registry& registry);

} // namespace agora::persistence
