#pragma once

#include "actors/entity/host.hpp"
#include "actors/protocol/atoms.hpp"
#include "runtime/base/clock.hpp"

#include <caf/delegated.hpp>
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

/// The handlers every entity actor has (its state keeps `host` and `successor`): a handoff to a
/// `Successor`, and the host's tick.
template <class Successor, class Self>
auto handoff_handler(Self* self) {
  return [self](protocol::handoff_atom, Successor successor) {
    self->state.successor = std::move(successor);
    self->state.host->hand_off(self->make_response_promise());
    return caf::delegated<bool>{};
  };
}

template <class Self>
auto tick_handler(Self* self) {
  return [self](protocol::tick_atom) {
    self->state.host->tick();
  };
}

} // namespace agora::actors::entity
