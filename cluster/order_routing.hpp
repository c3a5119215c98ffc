#pragma once

#include "actors/protocol/cluster.hpp"
#include "actors/protocol/order.hpp"
#include "cluster/cluster_metrics.hpp"

#include <chrono>
#include <memory>

namespace caf {
class actor_system;
}

namespace agora::cluster {

/// The order router as the door and shipping see it on every node, and its lease keeper's
/// listener: it sends each command to the router of the node that owns the order's shard (this
/// node's own, or another's over the middleman). A command that finds no owner (a handoff or a
/// failover under way) or is bounced (errc::not_owner, errc::fenced, an owner gone) waits, up to
/// its own deadline, and goes again once the shard map changes or a quarter second passes; at
/// its deadline it fails with errc::unavailable (the door's 503 with Retry-After).
using order_routing_actor = protocol::order_router_actor::extend_with<protocol::shard_map_listener>;

order_routing_actor spawn_order_routing(caf::actor_system& sys, uint32_t shards,
                                        std::shared_ptr<cluster_metrics> metrics);

} // namespace agora::cluster
