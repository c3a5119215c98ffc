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
  std::string cluster_missing; ///< what the lease keeper last said is missing; empty: nothing
};

/// The detail /readyz names: the database first, then what the cluster lacks.
void describe(health_state& st) {
  st.current.cluster = st.cluster_missing.empty();
  st.current.detail = !st.current.database ? st.last_error : st.cluster_missing;
}

void record(health_state& st, bool ok, std::string detail) {
  bool changed = st.current.database != ok || (!ok && st.last_error != detail);
  st.current.database = ok;
  st.current.checked_at_ms = unix_ms();
  if (changed) {
    if (ok)
      log::info("health.database_up");
    else
      log::warn("health.database_down").kv("error", detail);
  }
  st.last_error = std::move(detail);
  describe(st);
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
    [=](cluster_atom, bool, const std::string& missing) {
      auto& st = self->state;
      if (missing != st.cluster_missing) {
        if (missing.empty())
          log::info("health.cluster_ready");
        else
          log::warn("health.cluster_not_ready").kv("missing", missing);
      }
      st.cluster_missing = missing;
      describe(st);
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
