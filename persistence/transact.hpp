#pragma once

#include "persistence/database.hpp"
#include "persistence/errors.hpp"

#include <caf/actor_pool.hpp>
#include <caf/actor_system.hpp>
#include <caf/result.hpp>
#include <pqxx/result>
#include <pqxx/transaction>

#include <chrono>

// Helpers for the blocking stores (detached actors).
namespace agora::persistence {

/// Runs `body(tx)` in a transaction on a pooled connection and commits; every database failure
/// becomes an agora error (the one translate function), and a possibly broken connection is
/// dropped.
template <class T, class Body>
caf::result<T> transact(connection_pool& pool, Body body) {
  auto start = std::chrono::steady_clock::now();
  auto seconds = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  try {
    auto conn = pool.acquire();
    try {
      pqxx::work tx{*conn};
      caf::result<T> out = body(tx);
      tx.commit();
      pool.observe(seconds(), false);
      return out;
    } catch (...) {
      conn.discard();
      throw;
    }
  } catch (...) {
    pool.observe(seconds(), true);
    return translate_current_exception();
  }
}

/// `n` workers from `make_worker` behind one round-robin handle (CAF's actor pool forwards each
/// request and its reply transparently).
template <class Handle, class Factory>
Handle spawn_pooled(caf::actor_system& sys, size_t n, Factory make_worker) {
  auto pool = caf::actor_pool::make(
    sys.dummy_execution_unit(), n,
    [&] {
      return caf::actor_cast<caf::actor>(make_worker());
    },
    caf::actor_pool::round_robin());
  return caf::actor_cast<Handle>(pool);
}

/// SQL for a timestamptz as an RFC 3339 UTC string with milliseconds.
inline std::string rfc3339(const std::string& column) {
  return "to_char(" + column + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";
}

/// SQL for a timestamptz as unix milliseconds.
inline std::string unix_ms(const std::string& column) {
  return "(extract(epoch from " + column + ") * 1000)::bigint";
}

} // namespace agora::persistence
