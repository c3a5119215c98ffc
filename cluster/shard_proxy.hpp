#pragma once

#include <caf/actor.hpp>

#include <cstdint>
#include <string>

namespace caf {
class actor_system;
}

namespace agora::cluster {

/// A stand-in for shard `shard` of `kind` on whichever node owns it: callers hold it as the
/// shard's actor (an inventory_actor, say). It listens to its lease keeper's shard maps
/// (protocol::shard_map_listener) and passes every other message, wrapped as (route, shard,
/// message) with its sender and request id kept, to the owner's host of the kind, so the answer
/// goes straight back. While no owner is known it holds what comes (up to 10,000 messages;
/// beyond, a request fails at once with errc::unavailable) and passes it on once one is. With a
/// `courier` (cluster/courier.hpp), stock commands for an owner on another node go by way of it.
caf::actor spawn_shard_proxy(caf::actor_system& sys, std::string kind, uint32_t shard,
                             caf::actor courier = {});

} // namespace agora::cluster
