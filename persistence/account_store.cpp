#include "persistence/account_store.hpp"

#include "persistence/database.hpp"
#include "persistence/transact.hpp"
#include "runtime/base/actor_registry.hpp"
#include "runtime/base/random.hpp"
#include "runtime/base/secrets.hpp"

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <pqxx/result>
#include <pqxx/transaction>

namespace agora::persistence {

namespace {

using namespace agora::protocol;

const std::string account_columns = "c.id, c.email, c.name, " + unix_ms("c.created_at");

account to_account(const pqxx::row& row) {
  return {row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(),
          row[3].as<int64_t>()};
}

caf::error wrong_credentials() {
  return caf::make_error(errc::unauthenticated, std::string{"wrong email or password"});
}

/// A hash no password matches: a sign-in for an unknown email verifies against it, so it takes
/// as long as one with a wrong password.
const std::string& decoy_hash() {
  static const std::string hash = secrets::hash_password(random_hex(32));
  return hash;
}

account signup(pqxx::work& tx, const signup_request& r, const std::string& hash) {
  auto rows = tx.exec_params("INSERT INTO customers AS c (id, email, name, password_hash) "
                             "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING "
                               + account_columns,
                             new_id("cus"), r.email, r.name, hash);
  if (rows.empty())
    throw storage_error(errc::conflict, "an account with this email exists");
  return to_account(rows[0]);
}

caf::result<session_grant> signin(pqxx::work& tx, const std::string& email,
                                  const std::string& password, std::chrono::seconds ttl) {
  auto rows = tx.exec_params("SELECT " + account_columns
                               + ", c.password_hash FROM customers c WHERE lower(c.email) = "
                                 "lower($1)",
                             email);
  bool found = !rows.empty();
  bool ok = secrets::verify_password(found ? rows[0][4].as<std::string>() : decoy_hash(), password);
  if (!found || !ok)
    return wrong_credentials();
  session_grant grant;
  grant.who = to_account(rows[0]);
  grant.token = secrets::new_token("ses_");
  auto made = tx.exec_params("INSERT INTO sessions (token_digest, customer_id, expires_at) "
                             "VALUES ($1, $2, now() + make_interval(secs => $3)) RETURNING "
                               + unix_ms("expires_at"),
                             secrets::token_digest(grant.token), grant.who.id,
                             static_cast<double>(ttl.count()));
  grant.expires_at_ms = made[0][0].as<int64_t>();
  return grant;
}

caf::result<session_info> session(pqxx::work& tx, const std::string& digest) {
  auto rows = tx.exec_params("SELECT " + account_columns + ", " + unix_ms("s.expires_at")
                               + " FROM sessions s JOIN customers c ON c.id = s.customer_id "
                                 "WHERE s.token_digest = $1 AND s.revoked_at IS NULL "
                                 "AND s.expires_at > now()",
                             digest);
  if (rows.empty())
    return caf::make_error(errc::unauthenticated, std::string{"unknown or expired session"});
  return session_info{to_account(rows[0]), rows[0][4].as<int64_t>()};
}

account_store_actor::behavior_type worker(account_store_actor::pointer self, connection_pool* pool,
                                          std::chrono::seconds ttl, actor_registry* registry) {
  track_sampled(self, *registry, "store.accounts");
  return {
    [=](signup_atom, const signup_request& r) {
      auto hash = secrets::hash_password(r.password); // before the transaction: no idle lease
      return transact<account>(*pool, [&](pqxx::work& tx) {
        return signup(tx, r, hash);
      });
    },
    [=](signin_atom, const std::string& email, const std::string& password) {
      return transact<session_grant>(*pool, [&](pqxx::work& tx) {
        return signin(tx, email, password, ttl);
      });
    },
    [=](session_atom, const std::string& digest) {
      return transact<session_info>(*pool, [&](pqxx::work& tx) {
        return session(tx, digest);
      });
    },
    [=](signout_atom, const std::string& digest) {
      return transact<bool>(*pool, [&](pqxx::work& tx) {
        return !tx.exec_params("UPDATE sessions SET revoked_at = now() WHERE token_digest = $1 "
                               "AND revoked_at IS NULL AND expires_at > now() RETURNING 1",
                               digest)
                  .empty();
      });
    },
  };
}

} // namespace

account_store_actor spawn_account_store(caf::actor_system& sys, connection_pool& pool,
                                        size_t workers, std::chrono::seconds session_ttl,
                                        actor_registry& registry) {
  decoy_hash(); // made once, before the first sign-in could be timed
  return spawn_pooled<account_store_actor>(sys, workers, [&] {
    return spawn_counted<caf::detached>(sys, worker, &pool, session_ttl, &registry);
  });
}

std::string shared_secret(connection_pool& pool, const std::string& name) {
  auto conn = pool.acquire();
  try {
    pqxx::work tx{*conn};
    tx.exec_params("INSERT INTO node_secrets (name, value) VALUES ($1, $2) "
                   "ON CONFLICT (name) DO NOTHING",
                   name, random_hex(32));
    auto value = tx.exec_params("SELECT value FROM node_secrets WHERE name = $1", name)[0][0]
                   .as<std::string>();
    tx.commit();
    return value;
  } catch (...) {
    conn.discard();
    throw;
  }
}

} // namespace agora::persistence
