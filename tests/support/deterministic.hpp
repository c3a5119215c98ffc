#pragma once

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include <chrono>
#include <memory>
#include <optional>

// Deterministic actor tests: an actor system on CAF's test coordinator (the settings of CAF's own
// test_coordinator_fixture, for Catch2). Nothing runs until the test says so, and the clock moves
// only when the test moves it, so a test of timeouts and races runs in milliseconds and the same
// way every time.
namespace agora::test {

/// What came back for a request: a value, an error, or nothing yet.
template <class T>
struct answer {
  std::optional<T> value;
  caf::error error;
  bool answered() const {
    return value.has_value() || error;
  }
};

class deterministic {
 public:
  deterministic();
  ~deterministic();

  deterministic(const deterministic&) = delete;
  deterministic& operator=(const deterministic&) = delete;

  caf::actor_system& sys() {
    return *sys_;
  }

  /// Runs every message that is ready (timers do not fire); answers how many ran.
  size_t run();

  /// Moves the clock on by `d`, firing the timers due, and runs what they cause.
  void advance(std::chrono::milliseconds d);

  /// Drops every pending timer and runs what is left: call it once the actors were told to exit
  /// (before what they use goes away).
  void stop();

  /// Sends `xs...` to `to` as a request from a fresh actor; the answer lands in the result as the
  /// messages run.
  template <class T, class Handle, class... Ts>
  std::shared_ptr<answer<T>> request(const Handle& to, Ts... xs) {
    auto out = std::make_shared<answer<T>>();
    sys_->spawn([=](caf::event_based_actor* self) {
      self->request(to, caf::infinite, xs...)
        .then(
          [=](T& value) {
            out->value = std::move(value);
          },
          [=](caf::error& err) {
            out->error = std::move(err);
          });
    });
    return out;
  }

 private:
  caf::actor_system_config cfg_;
  std::unique_ptr<caf::actor_system> sys_;
  caf::scheduler::test_coordinator* sched_ = nullptr;
};

} // namespace agora::test
