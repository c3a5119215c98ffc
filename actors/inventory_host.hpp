#pragma once

#include "actors/inventory.hpp"
#include "actors/protocol/cluster.hpp"

#include <caf/actor.hpp>

#include <vector>

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

/// Spawns the node's inventory host: the shards its lease keeper grants, each loaded from the
/// store and spawned with its lease's epoch. Commands reach a shard as (route, shard, message)
/// (from a shard proxy, on this node or another), keeping their sender and request id, so the
/// shard's answer goes straight back; a shard still loading holds them, a shard this node does
/// not own (or is handing over) answers errc::not_owner. A handoff passes the shard's held
/// commands to `successors[shard]` (this node's proxy of the shard, which finds the new owner).
/// The handle is also a protocol::shard_host_actor (actor_cast).
caf::actor spawn_inventory_host(caf::actor_system& sys, protocol::inventory_store_actor store,
                                inventory_options options, std::vector<caf::actor> successors,
                                actor_registry& registry, prometheus::Registry& metrics);

} // namespace agora::actors
