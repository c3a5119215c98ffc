#pragma once

#include "actors/domain/refusal.hpp"
#include "actors/domain/retry.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

// What the entity host (actors/entity/host.hpp) asks of an entity's model. The state's own
// apply(state&, event) and decide(state, command, now_ms) are found next to the state; a decision
// has `events`. The rest is the model's policy: these defaults are those of an entity without
// effects, consultations or waiters that lives until it is stopped, and a model derives from them
// and declares what it does differently.
namespace agora::domain {

/// The effect type of an entity that performs none.
enum class no_effect : uint8_t {};

template <class Effect, class Command>
struct entity_defaults {
  using effect = Effect;

  /// Before deciding, perform this effect and decide again with its answer.
  template <class Decision>
  static std::optional<effect> consults(const Decision&) {
    return std::nullopt;
  }
  /// The effects a state owes, in the order they should run.
  template <class State>
  static std::vector<effect> owed(const State&) {
    return {};
  }
  /// Nothing owed for good: the entity may passivate.
  template <class State>
  static bool settled(const State&) {
    return false;
  }
  template <class State>
  static bool exists(const State&) {
    return true;
  }
  /// What a waiter waits for holds.
  template <class State>
  static bool awaited(const State&) {
    return true;
  }
  static retry_step retry(effect, int) {
    return {true, {}};
  }
  /// The command deciding that an effect ran out of attempts.
  static Command gave_up(effect) {
    return {};
  }
  /// The effect whose news comes by itself once `done` succeeded (not performed again).
  static std::optional<effect> subscribes(effect) {
    return std::nullopt;
  }
  /// Whether the events of `done`'s answer may wait for a write that is sent anyway.
  template <class State>
  static bool rides(effect, const State&) {
    return false;
  }
  /// Whether `c` must wait to decide until what it depends on is durable (it holds the commands
  /// behind it): true while `ahead` holds a fact `durable` does not yet that `c` would change.
  template <class State>
  static bool waits(const Command&, const State& /*durable*/, const State& /*ahead*/) {
    return false;
  }
  /// Upkeep on the entity's tick (both its states), e.g. forgetting old history.
  template <class State>
  static void housekeeping(State&, int64_t) {}
};

/// An event of type `type` at `at_ms`.
template <class Event, class Type>
Event event_at(Type type, int64_t at_ms) {
  Event e;
  e.type = type;
  e.at_ms = at_ms;
  return e;
}

/// A decision refusing its command, saying why.
template <class Decision>
Decision refusing(refusal r, std::string why) {
  Decision d;
  d.refused = r;
  d.why = std::move(why);
  return d;
}

} // namespace agora::domain
