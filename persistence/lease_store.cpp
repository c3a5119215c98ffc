#include "persistence/lease_store.hpp"

#include "persistence/database.hpp"
#include "persistence/errors.hpp"
#include "runtime/base/actor_registry.hpp"
#include "runtime/base/log.hpp"

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <pqxx/nontransaction>
#include <pqxx/result>
#include <pqxx/transaction>

#include <stdexcept>

namespace agora::persistence {

namespace {

using namespace agora::protocol;

/// Runs `fn` on a pooled connection; a failure discards the connection and becomes an error.
template <class T, class Fn>
caf::result<T> on_connection(connection_pool& pool, Fn fn) {
  try {
    auto conn = pool.acquire();
    try {
      return fn(*conn);
    } catch (...) {
      conn.discard();
      throw;
    }
  } catch (...) {
    return translate_current_exception();
  }
}

int64_t join(pqxx::connection& conn, const member& me, const std::vector<lease>& kinds) {
  pqxx::work tx{conn};
  auto r = tx.exec_params(
    "INSERT INTO members (id, http_address, roles, status, cluster_host, cluster_port) "
    "VALUES ($1, $2, string_to_array($3, ','), 'up', $4, $5) "
    "ON CONFLICT (id) DO UPDATE SET http_address = EXCLUDED.http_address, roles = EXCLUDED.roles, "
    "cluster_host = EXCLUDED.cluster_host, cluster_port = EXCLUDED.cluster_port, status = 'up', "
    "incarnation = members.incarnation + 1, joined_at = now(), heartbeat_at = now() "
    "RETURNING incarnation",
    me.id, me.http_address, me.roles, me.cluster_host, int{me.cluster_port});
  auto incarnation = r[0][0].as<int64_t>();
  // Every node must split a kind's keys into the same shards: the first node's count holds.
  for (auto& k : kinds) {
    // Serialised with other joins by the lock: two first nodes must not both insert a count.
    tx.exec("LOCK TABLE shard_leases IN SHARE ROW EXCLUSIVE MODE");
    auto count = tx.exec_params("SELECT count(*) FROM shard_leases WHERE kind = $1", k.kind)[0][0]
                   .as<int64_t>();
    if (count != 0 && count != static_cast<int64_t>(k.shard))
      throw storage_error(errc::conflict, "this cluster splits " + k.kind + " into "
                                            + std::to_string(count) + " shards, this node into "
                                            + std::to_string(k.shard)
                                            + ": give every node the same count");
    if (count == 0)
      tx.exec_params("INSERT INTO shard_leases (kind, shard) SELECT $1, generate_series(0, $2 - 1)",
                     k.kind, static_cast<int64_t>(k.shard));
  }
  tx.commit();
  log::info("cluster.joined").kv("member", me.id).kv("incarnation", incarnation);
  return incarnation;
}

std::string ttl(int64_t ms) {
  return "(" + std::to_string(ms) + " * interval '1 millisecond')";
}

void read_state(pqxx::nontransaction& tx, const lease_sync& s, cluster_state& out) {
  auto members =
    tx.exec("SELECT id, incarnation, http_address, cluster_host, cluster_port, "
            "array_to_string(roles, ','), status, status = 'up' AND heartbeat_at > now() - "
            + ttl(s.member_ttl_ms)
            + ", (extract(epoch FROM now() - heartbeat_at) * 1000)::bigint, "
              "(extract(epoch FROM joined_at) * 1000)::bigint, "
              "(extract(epoch FROM heartbeat_at) * 1000)::bigint FROM members "
              "WHERE status = 'up' OR heartbeat_at > now() - interval '1 hour' ORDER BY id");
  for (auto row : members) {
    member m;
    m.id = row[0].as<std::string>();
    m.incarnation = row[1].as<int64_t>();
    m.http_address = row[2].as<std::string>();
    m.cluster_host = row[3].as<std::string>();
    m.cluster_port = static_cast<uint16_t>(row[4].as<int>());
    m.roles = row[5].as<std::string>();
    m.status = row[6].as<std::string>();
    m.live = row[7].as<bool>();
    m.heartbeat_age_ms = row[8].as<int64_t>();
    m.joined_at_ms = row[9].as<int64_t>();
    m.heartbeat_at_ms = row[10].as<int64_t>();
    out.members.push_back(std::move(m));
  }
  auto leases = tx.exec("SELECT kind, shard, coalesce(owner, ''), incarnation, epoch, "
                        "(extract(epoch FROM expires_at - now()) * 1000)::bigint, "
                        "(extract(epoch FROM changed_at) * 1000)::bigint, "
                        "(extract(epoch FROM expires_at) * 1000)::bigint FROM shard_leases "
                        "ORDER BY kind, shard");
  for (auto row : leases) {
    lease l;
    l.kind = row[0].as<std::string>();
    l.shard = row[1].as<uint32_t>();
    l.owner = row[2].as<std::string>();
    l.incarnation = row[3].as<int64_t>();
    l.epoch = row[4].as<uint64_t>();
    l.expires_in_ms = row[5].as<int64_t>();
    l.since_ms = row[6].as<int64_t>();
    l.expires_at_ms = row[7].as<int64_t>();
    out.leases.push_back(std::move(l));
  }
}

/// One keeper tick: heartbeat, renew everything held, give back, acquire, read. Each statement
/// commits on its own.
cluster_state sync(pqxx::connection& conn, const lease_sync& s) {
  cluster_state out;
  pqxx::nontransaction tx{conn};
  auto beat = tx.exec_params(
    "UPDATE members SET heartbeat_at = now(), status = 'up' WHERE id = $1 AND incarnation = $2",
    s.member, s.incarnation);
  out.member_current = beat.affected_rows() == 1;
  if (out.member_current)
    tx.exec_params("UPDATE shard_leases SET expires_at = now() + " + ttl(s.lease_ttl_ms)
                     + " WHERE owner = $1 AND incarnation = $2",
                   s.member, s.incarnation);
  for (auto& l : s.release)
    tx.exec_params("UPDATE shard_leases SET owner = NULL, incarnation = 0, expires_at = 'epoch', "
                   "changed_at = now() WHERE kind = $1 AND shard = $2 AND owner = $3 "
                   "AND incarnation = $4 AND epoch = $5",
                   l.kind, static_cast<int64_t>(l.shard), s.member, s.incarnation,
                   static_cast<int64_t>(l.epoch));
  // An acquire waits for the stale owner's write in flight (its FOR KEY SHARE lock); never long.
  // (A connection that throws is discarded, so the setting never outlives this sync.)
  if (out.member_current && !s.acquire.empty())
    tx.exec("SET lock_timeout = '2s'");
  if (out.member_current)
    for (auto& l : s.acquire) {
      try {
        // Free, run out, or held by an incarnation that is no longer up (its node restarted or
        // left): taken, with the epoch one higher.
        tx.exec_params(
          "UPDATE shard_leases AS l SET owner = $3, incarnation = $4, epoch = l.epoch + 1, "
          "expires_at = now() + "
            + ttl(s.lease_ttl_ms)
            + ", changed_at = now() WHERE kind = $1 AND shard = $2 AND (owner IS NULL "
              "OR expires_at < now() OR NOT EXISTS (SELECT 1 FROM members AS m "
              "WHERE m.id = l.owner AND m.incarnation = l.incarnation AND m.status = 'up'))",
          l.kind, static_cast<int64_t>(l.shard), s.member, s.incarnation);
      } catch (const pqxx::sql_error& e) {
        if (e.sqlstate() != "55P03") // lock_not_available: the old owner's write; next tick
          throw;
      }
    }
  if (out.member_current && !s.acquire.empty())
    tx.exec("RESET lock_timeout");
  read_state(tx, s, out);
  return out;
}

bool leave(pqxx::connection& conn, const std::string& id, int64_t incarnation) {
  pqxx::work tx{conn};
  tx.exec_params("UPDATE shard_leases SET owner = NULL, incarnation = 0, expires_at = 'epoch', "
                 "changed_at = now() WHERE owner = $1 AND incarnation = $2",
                 id, incarnation);
  auto r = tx.exec_params("UPDATE members SET status = 'left', heartbeat_at = now() "
                          "WHERE id = $1 AND incarnation = $2",
                          id, incarnation);
  tx.commit();
  return r.affected_rows() == 1;
}

lease_store_actor::behavior_type lease_store(lease_store_actor::pointer self, connection_pool* pool,
                                             actor_registry* registry) {
  track_sampled(self, *registry, "store.leases");
  return {
    [=](join_atom, const member& me, const std::vector<lease>& kinds) {
      return on_connection<int64_t>(*pool, [&](pqxx::connection& c) {
        return join(c, me, kinds);
      });
    },
    [=](sync_atom, const lease_sync& s) {
      return on_connection<cluster_state>(*pool, [&](pqxx::connection& c) {
        return sync(c, s);
      });
    },
    [=](leave_atom, const std::string& id, int64_t incarnation) {
      return on_connection<bool>(*pool, [&](pqxx::connection& c) {
        return leave(c, id, incarnation);
      });
    },
  };
}

} // namespace

lease_store_actor spawn_lease_store(caf::actor_system& sys, connection_pool& pool,
                                    actor_registry& registry) {
  return spawn_counted<caf::detached>(sys, lease_store, &pool, &registry);
}

} // namespace agora::persistence
