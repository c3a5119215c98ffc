#pragma once

#include "actors/order.hpp"
#include "actors/protocol/reads.hpp"

namespace agora::actors {

/// Spawns the node's order router: it activates order actors (replaying their journal, read
/// through `reads`) on first use, forwards to them, and forgets them when they stop.
protocol::order_router_actor spawn_order_router(caf::actor_system& sys,
                                                protocol::read_store_actor reads, order_peers peers,
                                                order_options options);

} // namespace agora::actors
