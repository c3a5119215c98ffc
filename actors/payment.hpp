#pragma once

#include "actors/protocol/payment.hpp"

#include <chrono>

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

struct payment_options {
  std::chrono::milliseconds latency{0}; ///< simulated gateway round trip
};

/// Spawns the payment service: it asks the simulated issuer (domain::issuer_answer) after the
/// configured latency, without blocking a thread, and records the outcome through `store`, whose
/// unique key per order makes every charge idempotent. Its operations are counted in `metrics`
/// (`agora_payment_operations_total`, `agora_payment_operation_duration_seconds`).
protocol::payment_actor spawn_payments(caf::actor_system& sys, protocol::payment_store_actor store,
                                       payment_options options, actor_registry& registry,
                                       prometheus::Registry& metrics);

} // namespace agora::actors
