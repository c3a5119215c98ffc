#pragma once

#include "actors/protocol/health.hpp"

#include <chrono>

namespace caf {
class actor_system;
}

namespace agora {
class actor_registry;
}

namespace agora::actors {

struct health_options {
  /// How often the database is probed.
  std::chrono::milliseconds probe_interval{1000};
  /// A probe that has not answered by then counts as failed.
  std::chrono::milliseconds probe_timeout{2000};
};

/// Spawns the node's health actor. It probes `store` every `probe_interval` and answers
/// `ready_atom` at once with the outcome of the last probe.
protocol::health_actor spawn_health(caf::actor_system& sys, protocol::probe_store_actor store,
                                    health_options options, actor_registry& registry);

} // namespace agora::actors
