#pragma once

#include "actors/protocol/order.hpp"

namespace caf {
class actor_system;
}

namespace agora {
class actor_registry;
}

namespace agora::persistence {

class writer;

/// Spawns the order store: it turns journal appends into statements for the group-commit writer
/// and answers each once its transaction committed. It never blocks.
protocol::order_store_actor spawn_order_store(caf::actor_system& sys, writer& w,
                                              actor_registry& registry);

} // namespace agora::persistence
