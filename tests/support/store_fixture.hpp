#pragma once

#include "persistence/database.hpp"
#include "persistence/writer.hpp"
#include "runtime/base/actor_registry.hpp"
#include "runtime/base/metrics.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/error.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <utility>

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

/// store_fixture plus a store actor of type `Handle` that writes through its own group-commit
/// writer (spawned by `spawn(sys, pool, writer, workers, registry)`), stopped with the fixture.
template <class Handle>
struct writer_store_fixture : store_fixture {
  persistence::writer w{url, hub.registry()};
  Handle store;

  template <class Spawn>
  explicit writer_store_fixture(Spawn spawn) : store_fixture(2) {
    store = spawn(*sys, *pool, w, 2, registry);
  }

  ~writer_store_fixture() {
    caf::anon_send_exit(store, caf::exit_reason::user_shutdown);
  }

  /// The store's `Reply` to `xs...`, or its error.
  template <class Reply, class... Ts>
  std::pair<Reply, caf::error> ask(Ts... xs) {
    caf::scoped_actor self{*sys};
    std::pair<Reply, caf::error> out;
    self->request(store, std::chrono::seconds{10}, xs...)
      .receive(
        [&](Reply& r) {
          out.first = std::move(r);
        },
        [&](caf::error& err) {
          out.second = std::move(err);
        });
    return out;
  }
};

} // namespace agora::test
