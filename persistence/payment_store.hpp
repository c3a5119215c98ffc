#pragma once

#include "actors/protocol/payment.hpp"

namespace caf {
class actor_system;
}

namespace agora {
class actor_registry;
}

namespace agora::persistence {

class connection_pool;

/// Spawns `workers` detached payment store workers behind one handle.
protocol::payment_store_actor spawn_payment_store(caf::actor_system& sys, connection_pool& pool,
                                                  size_t workers, actor_registry& registry);

} // namespace agora::persistence
