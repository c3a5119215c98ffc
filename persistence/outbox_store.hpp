#pragma once

#include "actors/protocol/mail.hpp"

namespace caf {
class actor_system;
}

namespace agora {
class actor_registry;
}

namespace agora::persistence {

class connection_pool;

/// Spawns `workers` detached outbox store workers behind one handle (claims, outcomes, stats of
/// the `notifications` table).
protocol::outbox_store_actor spawn_outbox_store(caf::actor_system& sys, connection_pool& pool,
                                                size_t workers, actor_registry& registry);

} // namespace agora::persistence
