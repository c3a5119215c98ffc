#pragma once

#include "actors/protocol/payment.hpp"

#include <chrono>

namespace caf {
class actor_system;
}

namespace agora {
class actor_registry;
}

namespace agora::actors {

struct payment_options {
  std::chrono::milliseconds latency{0}; ///< simulated gateway round trip
  std::chrono::milliseconds store_timeout{10000};
};

/// Spawns the payment service: it asks the simulated issuer (domain::issuer_answer) after the
/// configured latency, without blocking a thread, and records the outcome through `store`, whose
/// unique key per order makes every charge idempotent.
protocol::payment_actor spawn_payments(caf::actor_system& sys, protocol::payment_store_actor store,
                                       payment_options options, actor_registry& registry);

} // namespace agora::actors
