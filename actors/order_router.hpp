#pragma once

#include "actors/order.hpp"
#include "actors/protocol/cluster.hpp"
#include "actors/protocol/reads.hpp"

namespace agora::actors {

/// The order router as its node drives it: the orders of the shards its lease keeper grants.
using order_host_actor = protocol::order_router_actor::extend_with<protocol::shard_host_actor>;

/// Spawns the node's order router: it activates order actors (replaying their journal, read
/// through `reads`) on first use, forwards to them, and forgets them when they stop. It serves
/// only the shards granted to it (with their lease's epoch on every append; any other order id
/// answers errc::not_owner), resumes a granted shard's unsettled orders, and on a revoke hands
/// the shard's live orders over or stops them.
order_host_actor spawn_order_router(caf::actor_system& sys, protocol::read_store_actor reads,
                                    order_peers peers, order_options options);

} // namespace agora::actors
