#pragma once

#include "actors/protocol/inventory.hpp"

#include <string>

namespace caf {
class actor_system;
}

namespace agora {
class actor_registry;
}

namespace agora::persistence {

class connection_pool;
class writer;

/// The SQL that writes one shard change: hold transitions first, stock deltas guarded by them,
/// alert flags and outbox rows. Exposed for tests.
std::string stock_change_sql(const protocol::stock_change& change);

/// Spawns the inventory store (detached: snapshots are blocking reads; changes go to `w`).
protocol::inventory_store_actor spawn_inventory_store(caf::actor_system& sys, connection_pool& pool,
                                                      writer& w, actor_registry& registry);

} // namespace agora::persistence
