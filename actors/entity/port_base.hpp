#pragma once

#include "actors/entity/host.hpp"
#include "actors/protocol/atoms.hpp"
#include "runtime/base/clock.hpp"

#include <caf/response_promise.hpp>

#include <chrono>
#include <cstdint>

namespace agora::actors::entity {

/// What every entity actor's port shares: its clocks, its tick (a tick_atom sent to itself), and
/// what an entity without effects, consultations or waiters answers. A port derives from it and
/// hides what it does differently.
template <class Self>
struct port_base {
  Self* self;

  time_point now() const {
    return self->clock().now();
  }
  int64_t wall_ms() const {
    return unix_ms();
  }
  /// A millisecond after `at`, so the tick finds its deadline passed.
  void tick_at(time_point at) const {
    using namespace std::chrono;
    self->delayed_send(self, duration_cast<milliseconds>(at - now()) + milliseconds{1},
                       protocol::tick_atom_v);
  }
  template <class Effect, class State>
  void perform(Effect, uint64_t, const State&) const {}
  template <class Effect, class State>
  void consult(Effect, uint64_t, const State&) const {}
  template <class Effect>
  void step_ended(Effect, double, int, const caf::error&) const {}
  template <class State>
  void answer_await(caf::response_promise& rp, const State&) const {
    rp.deliver(true);
  }
  void stop() const {
    self->quit();
  }
};

} // namespace agora::actors::entity
