#pragma once

#include "actors/domain/roles.hpp"
#include "actors/protocol/health.hpp"

#include <string>
#include <vector>

namespace caf {
class actor_system;
}

namespace agora {
class actor_registry;
}

namespace agora::persistence {

class connection_pool;

/// This node as recorded in the members table.
struct member_info {
  std::string id;
  std::string http_address;
  domain::role_set roles;
};

/// Spawns the probe store (a detached actor: it blocks on the database): each probe is one round
/// trip. `self` names the node in the actor registry.
protocol::probe_store_actor spawn_probe_store(caf::actor_system& sys, connection_pool& pool,
                                              member_info self, actor_registry& registry);

} // namespace agora::persistence
