#pragma once

#include "actors/protocol/cluster.hpp"

namespace caf {
class actor_system;
}

namespace agora {
class actor_registry;
}

namespace agora::persistence {

class connection_pool;

/// Spawns the lease store (a detached actor: it blocks on the database): membership rows and shard
/// leases, each change one conditional statement of its own (so an acquire that waits for a stale
/// owner's last write holds nothing else). Times are the database server's, never a node's.
protocol::lease_store_actor spawn_lease_store(caf::actor_system& sys, connection_pool& pool,
                                              actor_registry& registry);

} // namespace agora::persistence
