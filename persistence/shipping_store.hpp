#pragma once

#include "actors/protocol/shipping.hpp"

namespace caf {
class actor_system;
}

namespace agora {
class actor_registry;
}

namespace agora::persistence {

class connection_pool;
class writer;

/// Spawns the shipping store: a new shipment is group-committed on `w` (a plain insert, so a
/// second shipment of an order fails the job instead of being written); such a create, one whose
/// commit is in doubt, and everything else run on `workers` detached workers. A shipment is
/// written with its order's shard among `order_shards` (the cluster's count), which partitions
/// the carrier's steps.
protocol::shipping_store_actor spawn_shipping_store(caf::actor_system& sys, connection_pool& pool,
                                                    writer& w, size_t workers,
                                                    actor_registry& registry,
                                                    uint32_t order_shards);

} // namespace agora::persistence
