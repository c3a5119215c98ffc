#pragma once

#include "actors/protocol/inventory.hpp"
#include "persistence/writer.hpp"

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

/// The rows that write one shard write: hold transitions, stock deltas guarded by them, alert
/// flags and outbox rows, with its verify query. Exposed for tests.
write_job shard_job(const protocol::shard_append& append);

/// Spawns the inventory store (detached: snapshots are blocking reads; changes go to `w`).
protocol::inventory_store_actor spawn_inventory_store(caf::actor_system& sys, connection_pool& pool,
                                                      writer& w, actor_registry& registry);

} // namespace agora::persistence
