#pragma once

#include "persistence/database.hpp"
#include "runtime/base/actor_registry.hpp"
#include "runtime/base/metrics.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include <memory>
#include <string>

namespace agora::test {

/// What a store actor needs: a fresh migrated database, a connection pool on it, metrics, an
/// actor registry and an actor system configured like a node's.
struct store_fixture {
  std::string url;
  metrics::hub hub{"test", "n"};
  actor_registry registry{"n", hub.registry()};
  std::unique_ptr<persistence::connection_pool> pool;
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;

  explicit store_fixture(size_t pool_size = 1);
};

} // namespace agora::test
