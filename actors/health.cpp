#include "actors/health.hpp"

#include "runtime/base/actor_registry.hpp"
#include "runtime/base/clock.hpp"
#include "runtime/base/log.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

namespace agora::actors {

namespace {

using namespace agora::protocol;

using health_impl = health_actor::extend<caf::reacts_to<tick_atom>>;

struct health_state {
  static inline const char* name = "health";
  readiness current;
  bool probe_in_flight = false;
  std::string last_error;
};

void record(health_state& st, bool ok, std::string detail) {
  bool changed = st.current.database != ok || (!ok && st.last_error != detail);
  st.current.database = ok;
  st.current.cluster = ok; // membership is the heartbeat row the probe writes
  st.current.detail = ok ? std::string{} : detail;
  st.current.checked_at_ms = unix_ms();
  if (changed) {
    if (ok)
      log::info("health.database_up");
    else
      log::warn("health.database_down").kv("error", detail);
  }
  st.last_error = std::move(detail);
}

health_impl::behavior_type health(health_impl::stateful_pointer<health_state> self,
                                  probe_store_actor store, health_options options,
                                  actor_registry* registry) {
  self->state.current.detail = "database not probed yet";
  track_sampled(self, *registry, "health");
  self->send(self, tick_atom_v);
  return {
    [=](ready_atom) -> readiness {
      return self->state.current;
    },
    [=](tick_atom) {
      self->delayed_send(self, options.probe_interval, tick_atom_v);
      if (self->state.probe_in_flight)
        return;
      self->state.probe_in_flight = true;
      self->request(store, options.probe_timeout, probe_atom_v)
        .then(
          [=](bool) {
            self->state.probe_in_flight = false;
            record(self->state, true, {});
          },
          [=](caf::error& err) {
            self->state.probe_in_flight = false;
            record(self->state, false, "database unreachable: " + self->system().render(err));
          });
    },
  };
}

} // namespace

protocol::health_actor spawn_health(caf::actor_system& sys, protocol::probe_store_actor store,
                                    health_options options, actor_registry& registry) {
  return caf::actor_cast<health_actor>(
    spawn_counted(sys, health, std::move(store), options, &registry));
}

} // namespace agora::actors
