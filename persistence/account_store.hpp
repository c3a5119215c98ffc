#pragma once

#include "actors/protocol/accounts.hpp"

#include <chrono>
#include <string>

namespace caf {
class actor_system;
}

namespace agora {
class actor_registry;
}

namespace agora::persistence {

class connection_pool;

/// Spawns `workers` detached account workers behind one handle; sessions last `session_ttl`.
protocol::account_store_actor spawn_account_store(caf::actor_system& sys, connection_pool& pool,
                                                  size_t workers, std::chrono::seconds session_ttl,
                                                  actor_registry& registry);

/// The shared key called `name` (e.g. the key of guests' order access tokens): the stored one,
/// or a new random one stored by whichever node asks first.
std::string shared_secret(connection_pool& pool, const std::string& name);

} // namespace agora::persistence
