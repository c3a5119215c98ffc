#include "actors/health.hpp"
#include "runtime/actor_system.hpp"
#include "runtime/base/actor_registry.hpp"
#include "runtime/base/metrics.hpp"
#include "tests/support/wait.hpp"

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <catch2/catch.hpp>

#include <atomic>

using namespace agora;
using namespace agora::protocol;
using namespace std::chrono_literals;

namespace {

enum class store_mode { healthy, failing, silent };

/// A store that answers probes as the test says: the real one needs a database (see
/// tests/integration/probe_store_pgtest.cpp).
probe_store_actor::behavior_type fake_store(probe_store_actor::pointer self,
                                            std::atomic<store_mode>* mode) {
  return {
    [=](probe_atom) -> caf::result<bool> {
      switch (mode->load()) {
        case store_mode::healthy: return true;
        case store_mode::failing:
          return caf::make_error(errc::storage_unavailable, std::string{"connection refused"});
        case store_mode::silent: return self->make_response_promise<bool>(); // never delivered
      }
      return true;
    },
  };
}

struct fixture {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  metrics::hub hub{"test", "n1"};
  actor_registry registry{"n1", hub.registry()};
  std::atomic<store_mode> mode{store_mode::healthy};
  health_actor health;

  fixture() {
    runtime::configure_actor_system(cfg, 2);
    sys = std::make_unique<caf::actor_system>(cfg);
    auto store = sys->spawn(fake_store, &mode);
    health = actors::spawn_health(*sys, store, {20ms, 50ms}, registry);
  }

  ~fixture() {
    caf::anon_send_exit(health, caf::exit_reason::user_shutdown);
    health = nullptr;
    sys.reset(); // before the registry and `mode`, which the actors use
  }

  readiness ask() {
    caf::scoped_actor self{*sys};
    readiness out;
    self->request(health, 1s, ready_atom_v)
      .receive(
        [&](const readiness& r) {
          out = r;
        },
        [](caf::error&) {
          FAIL("no answer");
        });
    return out;
  }
};

} // namespace

TEST_CASE("the node is ready once a probe reached the database", "[health]") {
  fixture f;
  CHECK(test::wait_until(
    [&] {
      return f.ask().database;
    },
    5s));
  auto r = f.ask();
  CHECK(r.cluster);
  CHECK(r.detail.empty());
  CHECK(r.checked_at_ms > 0);
  CHECK(f.registry.snapshot("health").size() == 1);
}

TEST_CASE("a failing database makes the node unready, and its return ready again", "[health]") {
  fixture f;
  REQUIRE(test::wait_until(
    [&] {
      return f.ask().database;
    },
    5s));
  f.mode = store_mode::failing;
  REQUIRE(test::wait_until(
    [&] {
      return !f.ask().database;
    },
    5s));
  CHECK(f.ask().detail.find("database unreachable") != std::string::npos);
  f.mode = store_mode::healthy;
  CHECK(test::wait_until(
    [&] {
      return f.ask().database;
    },
    5s));
}

TEST_CASE("a probe that never answers counts as failed after its timeout", "[health]") {
  fixture f;
  f.mode = store_mode::silent;
  REQUIRE(test::wait_until(
    [&] {
      return !f.ask().detail.empty() && f.ask().checked_at_ms > 0;
    },
    5s));
  CHECK_FALSE(f.ask().database);
}
