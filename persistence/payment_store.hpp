#pragma once

#include "actors/protocol/payment.hpp"

namespace caf {
class actor_system;
}

namespace agora {
class actor_registry;
}

namespace agora::persistence {

class connection_pool;
class writer;

/// Spawns the payment store: a charge is group-committed on `w` (a plain insert, so a second
/// payment of an order fails the job instead of being written); a charge that failed that way, or
/// whose commit is in doubt, and every void and refund run on `workers` detached workers, which
/// answer what is stored.
protocol::payment_store_actor spawn_payment_store(caf::actor_system& sys, connection_pool& pool,
                                                  writer& w, size_t workers,
                                                  actor_registry& registry);

} // namespace agora::persistence
