#include "runtime/base/actor_registry.hpp"
#include "runtime/base/metrics.hpp"
#include "runtime/vital.hpp"
#include "tests/support/deterministic.hpp"
#include "tests/support/log_capture.hpp"

#include <caf/send.hpp>
#include <catch2/catch.hpp>

#include <map>
#include <stdexcept>

// A node's long-lived actors: an exception that escapes one is logged, and a failed one stops
// the node (instead of leaving it renewing leases for shards it no longer serves).

using namespace agora;

namespace {

/// A tracked actor that throws on any int, as `map::at` of a shard it no longer owns did.
caf::behavior thrower(caf::event_based_actor* self, actor_registry* registry) {
  track(self, *registry, "order.router");
  return {
    [](int shard) {
      std::map<int, int> owned;
      return owned.at(shard);
    },
  };
}

caf::behavior idle(caf::event_based_actor*) {
  return {
    [](int) {},
  };
}

struct fixture : test::deterministic {
  metrics::hub hub{"test", "n1"};
  actor_registry registry{"n1", hub.registry()};
  std::shared_ptr<runtime::vital_watch> watch = std::make_shared<runtime::vital_watch>();
  int stops = 0;
};

} // namespace

TEST_CASE("an exception in an actor is logged with its type, and the node is asked to stop",
          "[vital]") {
  fixture f;
  test::log_capture log;
  auto a = f.sys().spawn(thrower, &f.registry);
  auto b = f.sys().spawn(idle);
  auto watcher = runtime::spawn_vital_watch(f.sys(), {a, b}, f.watch, [&] {
    ++f.stops;
  });
  f.run();
  caf::anon_send(a, 7);
  f.run();
  auto text = log.text();
  INFO(text);
  CHECK(text.find(R"("event":"actor.exception","type":"order.router")") != std::string::npos);
  CHECK(text.find("map::at") != std::string::npos);
  CHECK(text.find(R"("event":"node.actor_failed")") != std::string::npos);
  CHECK(f.watch->failed);
  CHECK(f.stops == 1);
  // A second failure is logged, not a second stop.
  caf::anon_send_exit(b, caf::exit_reason::unhandled_exception);
  f.run();
  CHECK(f.stops == 1);
  caf::anon_send_exit(watcher, caf::exit_reason::user_shutdown);
  f.stop();
}

TEST_CASE("actors stopped on purpose, or during a shutdown, do not stop the node", "[vital]") {
  fixture f;
  auto a = f.sys().spawn(idle);
  auto b = f.sys().spawn(idle);
  auto c = f.sys().spawn(idle);
  auto watcher = runtime::spawn_vital_watch(f.sys(), {a, b, c}, f.watch, [&] {
    ++f.stops;
  });
  f.run();
  caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(b, caf::exit_reason::normal);
  f.run();
  CHECK_FALSE(f.watch->failed);
  f.watch->stopping = true; // the node stops: what its actors end with is no failure
  caf::anon_send_exit(c, caf::exit_reason::unhandled_exception);
  f.run();
  CHECK_FALSE(f.watch->failed);
  CHECK(f.stops == 0);
  caf::anon_send_exit(watcher, caf::exit_reason::user_shutdown);
  f.stop();
}
