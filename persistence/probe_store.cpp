#include "persistence/probe_store.hpp"

#include "persistence/database.hpp"
#include "persistence/errors.hpp"
#include "runtime/base/actor_registry.hpp"
#include "runtime/base/log.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <pqxx/nontransaction>

namespace agora::persistence {

namespace {

using namespace agora::protocol;

struct probe_state {
  static inline const char* name = "store.probe";
};

/// One round trip: the database answers.
void probe(connection_pool& pool) {
  auto conn = pool.acquire();
  try {
    pqxx::nontransaction tx{*conn};
    tx.exec("SELECT 1");
  } catch (...) {
    conn.discard();
    throw;
  }
}

probe_store_actor::behavior_type probe_store(probe_store_actor::stateful_pointer<probe_state> self,
                                             connection_pool* pool, member_info me,
                                             actor_registry* registry) {
  track_sampled(self, *registry, "store.probe", me.id);
  return {
    [=](probe_atom) -> caf::result<bool> {
      try {
        probe(*pool);
        return true;
      } catch (...) {
        return translate_current_exception();
      }
    },
  };
}

} // namespace

probe_store_actor spawn_probe_store(caf::actor_system& sys, connection_pool& pool, member_info self,
                                    actor_registry& registry) {
  return spawn_counted<caf::detached>(sys, probe_store, &pool, std::move(self), &registry);
}

} // namespace agora::persistence
