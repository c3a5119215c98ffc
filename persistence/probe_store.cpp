#include "persistence/probe_store.hpp"

#include "persistence/database.hpp"
#include "persistence/errors.hpp"
#include "runtime/base/actor_registry.hpp"
#include "runtime/base/log.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <pqxx/transaction>

namespace agora::persistence {

namespace {

using namespace agora::protocol;

struct probe_state {
  static inline const char* name = "store.probe";
  bool joined = false;
};

/// The roles as a text[] literal.
std::string roles_literal(domain::role_set roles) {
  return "{" + domain::names(roles) + "}";
}

/// Joins (first probe) or refreshes the heartbeat. Returns whether the node is joined afterwards.
bool heartbeat(connection_pool& pool, const member_info& me, bool joined) {
  auto conn = pool.acquire();
  try {
    pqxx::work tx{*conn};
    if (joined) {
      auto r = tx.exec_params(
        "UPDATE members SET heartbeat_at = now(), status = 'up' WHERE id = $1", me.id);
      joined = r.affected_rows() == 1;
    }
    if (!joined) {
      auto r = tx.exec_params(
        "INSERT INTO members (id, http_address, roles, status) VALUES ($1, $2, $3::text[], 'up') "
        "ON CONFLICT (id) DO UPDATE SET http_address = EXCLUDED.http_address, "
        "roles = EXCLUDED.roles, status = 'up', incarnation = members.incarnation + 1, "
        "joined_at = now(), heartbeat_at = now() RETURNING incarnation",
        me.id, me.http_address, roles_literal(me.roles));
      log::info("cluster.joined").kv("member", me.id).kv("incarnation", r[0][0].as<long long>());
    }
    tx.commit();
    return true;
  } catch (...) {
    conn.discard();
    throw;
  }
}

void leave(connection_pool& pool, const member_info& me) {
  auto conn = pool.acquire();
  try {
    pqxx::work tx{*conn};
    tx.exec_params("UPDATE members SET status = 'left', heartbeat_at = now() WHERE id = $1", me.id);
    tx.commit();
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
        self->state.joined = heartbeat(*pool, me, self->state.joined);
        return true;
      } catch (...) {
        self->state.joined = false;
        return translate_current_exception();
      }
    },
    [=](leave_atom) -> caf::result<bool> {
      try {
        leave(*pool, me);
        self->state.joined = false;
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
