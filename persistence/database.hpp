#pragma once

#include <pqxx/connection>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace prometheus {
class Registry;
}

namespace agora::persistence {

struct database_options {
  std::string url;                        ///< libpq URL, e.g. postgresql://user@host:port/db
  size_t pool_size = 4;                   ///< connections shared by the store actors
  std::chrono::seconds wait_at_start{30}; ///< how long start-up waits for the database
  std::chrono::milliseconds acquire_timeout{5000}; ///< a store's wait for a free connection
  /// No statement of agora's runs this long; one that does (a lock never released, a server that
  /// stopped answering) fails instead of holding its writer or worker for ever. Migrations lift
  /// it.
  std::chrono::milliseconds statement_timeout{30000};
  /// How long the effects writer (stock, payments, shipments) waits after a batch's first job for
  /// more before committing. Those writes never hold up the answer to a POST /orders, and each
  /// commit costs PostgreSQL a WAL flush, a plan per statement and a fence check whatever its
  /// size: on nodes that each carry a share of the load, batches that wait fill up.
  std::chrono::milliseconds effects_linger{10};
  /// The same for the journal, for appends that no client waits on (an order's own steps); a
  /// client's create, cancel or refund ends the wait at once and takes the batch with it.
  std::chrono::milliseconds journal_linger{5};
};

/// `url` (a libpq URI or key=value string) with agora's connection defaults for what it does not
/// set itself: connect_timeout 10 s and TCP keepalives (30 s idle, 3 probes 10 s apart).
std::string with_connection_defaults(const std::string& url);

/// Opens one connection (throws on failure). Sets a per-connection application_name and
/// `statement_timeout`.
std::unique_ptr<pqxx::connection>
connect(const std::string& url,
        std::chrono::milliseconds statement_timeout = database_options{}.statement_timeout);

/// Tries to connect until it works or `options.wait_at_start` has passed, logging each failed
/// attempt. Returns an empty string on success, else the last error (one line, no secrets).
std::string wait_for_database(const database_options& options);

/// A fixed-size pool of connections for blocking workers (detached store actors, writer
/// threads). Connections are opened lazily and reopened when found broken. Never use it from an
/// event-based actor's handler: acquire() blocks.
class connection_pool {
 public:
  connection_pool(database_options options, prometheus::Registry& metrics);
  ~connection_pool();

  connection_pool(const connection_pool&) = delete;
  connection_pool& operator=(const connection_pool&) = delete;

  class lease {
   public:
    lease(connection_pool* pool, std::unique_ptr<pqxx::connection> conn);
    lease(lease&& other) noexcept
      : pool_(std::exchange(other.pool_, nullptr)), conn_(std::move(other.conn_)) {}
    lease& operator=(lease&&) = delete;
    ~lease();

    pqxx::connection& operator*() {
      return *conn_;
    }
    pqxx::connection* operator->() {
      return conn_.get();
    }

    /// Drops the connection instead of returning it (after an error that may have broken it).
    void discard();

   private:
    connection_pool* pool_;
    std::unique_ptr<pqxx::connection> conn_;
  };

  /// Borrows a connection, opening one if needed. Throws agora::persistence::storage_error
  /// (errc::storage_unavailable) when none frees up in time or the database is unreachable.
  lease acquire();

  /// Closes idle connections and makes further acquire() calls fail; leased connections close
  /// when they come back.
  void close();

  const database_options& options() const {
    return options_;
  }

  size_t size() const {
    return options_.pool_size;
  }

  /// Records one store transaction: its duration, and whether it failed.
  void observe(double seconds, bool failed);

 private:
  void give_back(std::unique_ptr<pqxx::connection> conn);
  void update_gauges();

  struct gauges;
  database_options options_;
  std::unique_ptr<gauges> gauges_;
  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;
  size_t leased_ = 0;
  bool closed_ = false;
};

} // namespace agora::persistence
