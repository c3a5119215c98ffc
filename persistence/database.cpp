#include "persistence/database.hpp"

#include "persistence/errors.hpp"
#include "runtime/base/log.hpp"
#include "runtime/base/metrics.hpp"

#include <pqxx/nontransaction>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <thread>

namespace agora::persistence {

std::string with_connection_defaults(const std::string& url) {
  // A peer that vanishes without a FIN (a partition, a dead host) would otherwise leave a call
  // waiting for the kernel's retransmissions (~15 minutes): a call's data unacknowledged for 5 s
  // ends its connection (tcp_user_timeout), idle ones are probed by keepalives, and a connect
  // gives up after 3 s. So a database that comes back is used again within seconds, by fresh
  // connections, not by ones whose retransmissions have backed off to many seconds apart.
  static const std::pair<const char*, const char*> defaults[] = {
    {"connect_timeout", "3"},  {"tcp_user_timeout", "5000"},  {"keepalives", "1"},
    {"keepalives_idle", "30"}, {"keepalives_interval", "10"}, {"keepalives_count", "3"},
  };
  bool is_uri = url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
  std::string out = url;
  for (auto& [key, value] : defaults) {
    std::string setting = std::string{key} + "=";
    if (url.find(setting) != std::string::npos)
      continue; // the URL's own choice wins
    if (is_uri)
      out += (out.find('?') == std::string::npos ? "?" : "&") + setting + value;
    else
      out += (out.empty() ? "" : " ") + setting + value;
  }
  return out;
}

std::unique_ptr<pqxx::connection> connect(const std::string& url,
                                          std::chrono::milliseconds statement_timeout) {
  auto conn = std::make_unique<pqxx::connection>(with_connection_defaults(url));
  pqxx::nontransaction tx{*conn};
  tx.exec("SET application_name = 'agora'; SET standard_conforming_strings = on; "
          "SET statement_timeout = '"
          + std::to_string(statement_timeout.count())
          + "ms'; "
            // A process paused or cut off inside a transaction must not hold its locks (a
            // shard lease's row among them) until it wakes: the server ends such a session.
            "SET idle_in_transaction_session_timeout = '3s'");
  return conn;
}

std::string wait_for_database(const database_options& options) {
  using clock = std::chrono::steady_clock;
  auto deadline = clock::now() + options.wait_at_start;
  auto pause = std::chrono::milliseconds{100};
  for (int attempt = 1;; ++attempt) {
    std::string error;
    try {
      connect(options.url);
      if (attempt > 1)
        log::info("database.reachable").kv("attempts", attempt);
      return {};
    } catch (...) {
      error = describe_current_exception();
    }
    auto now = clock::now();
    if (now >= deadline)
      return error.empty() ? "database unreachable" : error;
    log::warn("database.waiting").kv("attempt", attempt).kv("error", error);
    std::this_thread::sleep_for(std::min<clock::duration>(pause, deadline - now));
    pause = std::min(pause * 2, std::chrono::milliseconds{2000});
  }
}

struct connection_pool::gauges {
  prometheus::Gauge& in_use;
  prometheus::Gauge& idle;
  prometheus::Gauge& size;
  prometheus::Histogram& transactions;
  prometheus::Counter& errors;
};

connection_pool::connection_pool(database_options options, prometheus::Registry& metrics)
  : options_(std::move(options)) {
  auto& family = metrics::gauges(metrics, "agora_db_pool_connections",
                                 "Database pool connections by state (in_use, idle, max)");
  gauges_.reset(new gauges{
    family.Add({{"state", "in_use"}}), family.Add({{"state", "idle"}}),
    family.Add({{"state", "max"}}),
    metrics::histogram(
      metrics, "agora_db_transaction_duration_seconds",
      "Store transactions (queries and their commit) on the pool, acquire to commit"),
    metrics::counter(metrics, "agora_db_errors_total",
                     "Store transactions that failed (database errors, unavailable database)")});
  gauges_->size.Set(static_cast<double>(options_.pool_size));
}

void connection_pool::observe(double seconds, bool failed) {
  gauges_->transactions.Observe(seconds);
  if (failed)
    gauges_->errors.Increment();
}

connection_pool::~connection_pool() {
  close();
}

void connection_pool::update_gauges() {
  gauges_->in_use.Set(static_cast<double>(leased_));
  gauges_->idle.Set(static_cast<double>(idle_.size()));
}

connection_pool::lease connection_pool::acquire() {
  std::unique_lock<std::mutex> guard{mutex_};
  auto available = [this] {
    return closed_ || !idle_.empty() || leased_ < options_.pool_size;
  };
  if (!freed_.wait_for(guard, options_.acquire_timeout, available))
    throw storage_error(protocol::errc::storage_unavailable, "database pool exhausted");
  if (closed_)
    throw storage_error(protocol::errc::storage_unavailable, "database pool closed");
  std::unique_ptr<pqxx::connection> conn;
  if (!idle_.empty()) {
    conn = std::move(idle_.back());
    idle_.pop_back();
  }
  ++leased_;
  update_gauges();
  guard.unlock();
  try {
    if (!conn || !conn->is_open())
      conn = connect(
        options_.url,
        options_.statement_timeout); // outside the lock: connecting takes a round trip or more
  } catch (...) {
    give_back(nullptr);
    throw;
  }
  return lease{this, std::move(conn)};
}

void connection_pool::give_back(std::unique_ptr<pqxx::connection> conn) {
  {
    std::lock_guard<std::mutex> guard{mutex_};
    --leased_;
    if (conn && !closed_ && conn->is_open())
      idle_.push_back(std::move(conn));
    update_gauges();
  }
  freed_.notify_one();
}

void connection_pool::close() {
  std::vector<std::unique_ptr<pqxx::connection>> doomed;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    closed_ = true;
    doomed.swap(idle_);
    update_gauges();
  }
  freed_.notify_all();
  // Connections close as `doomed` goes out of scope.
}

connection_pool::lease::lease(connection_pool* pool, std::unique_ptr<pqxx::connection> conn)
  : pool_(pool), conn_(std::move(conn)) {}

connection_pool::lease::~lease() {
  if (pool_)
    pool_->give_back(std::move(conn_));
}

void connection_pool::lease::discard() {
  conn_.reset();
}

} // namespace agora::persistence
