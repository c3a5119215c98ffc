#include "persistence/database.hpp"
#include "persistence/errors.hpp"
#include "runtime/base/metrics.hpp"
#include "tests/support/pg.hpp"

#include <catch2/catch.hpp>
#include <pqxx/nontransaction>
#include <pqxx/transaction>

using namespace agora;
using namespace agora::persistence;
using namespace std::chrono_literals;

namespace {

database_options options(const std::string& url, size_t size) {
  database_options o;
  o.url = url;
  o.pool_size = size;
  o.acquire_timeout = 200ms;
  return o;
}

} // namespace

TEST_CASE("the pool lends at most its size and reuses connections", "[pool]") {
  metrics::hub hub{"t", "n"};
  connection_pool pool{options(test::pg_server_url(), 2), hub.registry()};
  int first = 0, second = 0;
  {
    auto a = pool.acquire();
    auto b = pool.acquire();
    first = a->backendpid();
    second = b->backendpid();
    CHECK(a->backendpid() != b->backendpid());
    CHECK(hub.render().find("agora_db_pool_connections{state=\"in_use\"} 2") != std::string::npos);
    CHECK_THROWS_AS(pool.acquire(), storage_error); // exhausted: fails after the timeout
  }
  auto again = pool.acquire();
  CHECK((again->backendpid() == first || again->backendpid() == second));
}

TEST_CASE("a connection killed by the server is replaced on the next acquire", "[pool]") {
  metrics::hub hub{"t", "n"};
  connection_pool pool{options(test::pg_server_url(), 1), hub.registry()};
  int victim = 0;
  {
    auto c = pool.acquire();
    victim = c->backendpid();
  }
  {
    pqxx::connection admin{test::pg_server_url()};
    pqxx::nontransaction tx{admin};
    tx.exec("SELECT pg_terminate_backend(" + std::to_string(victim) + ")");
  }
  // The dead connection surfaces as a broken_connection once; discarding it heals the pool.
  try {
    auto c = pool.acquire();
    try {
      pqxx::work tx{*c};
      tx.exec("SELECT 1");
    } catch (...) {
      c.discard();
      CHECK(translate_current_exception() == protocol::errc::storage_unavailable);
    }
  } catch (const storage_error&) {
    FAIL("the pool did not reopen a connection");
  }
  auto c = pool.acquire();
  pqxx::work tx{*c};
  CHECK(tx.exec("SELECT 41 + 1")[0][0].as<int>() == 42);
  CHECK(c->backendpid() != victim);
}

TEST_CASE("waiting for an unreachable database gives up with one line", "[pool]") {
  database_options o;
  o.url = "postgresql://postgres@127.0.0.1:1/none";
  o.wait_at_start = 1s;
  auto started = std::chrono::steady_clock::now();
  auto error = wait_for_database(o);
  auto took = std::chrono::steady_clock::now() - started;
  CHECK(error.find("127.0.0.1") != std::string::npos);
  CHECK(error.find('\n') == std::string::npos);
  CHECK(took >= 900ms);
  CHECK(took < 5s);
  o.url = test::pg_server_url();
  CHECK(wait_for_database(o).empty());
}

TEST_CASE("database errors translate to agora codes", "[pool]") {
  auto url = test::fresh_database();
  pqxx::connection conn{url};
  pqxx::nontransaction tx{conn};
  tx.exec("CREATE TABLE t (id int PRIMARY KEY, n int CHECK (n >= 0))");
  tx.exec("INSERT INTO t VALUES (1, 0)");
  auto code_of = [&](const std::string& sql) {
    try {
      tx.exec(sql);
    } catch (...) {
      return translate_current_exception();
    }
    return caf::error{};
  };
  CHECK(code_of("INSERT INTO t VALUES (1, 0)") == protocol::errc::conflict);
  CHECK(code_of("UPDATE t SET n = n - 1") == protocol::errc::conflict);
  CHECK(code_of("SELECT * FROM missing_table") == protocol::errc::internal);
}

TEST_CASE("connections get keepalives, timeouts for connects and unacknowledged data, and a "
          "statement timeout by default",
          "[pool]") {
  CHECK(with_connection_defaults("postgresql://a@h/db")
        == "postgresql://a@h/db?connect_timeout=3&tcp_user_timeout=5000&keepalives=1"
           "&keepalives_idle=30&keepalives_interval=10&keepalives_count=3");
  // What the URL sets itself wins; key=value strings get key=value defaults.
  CHECK(with_connection_defaults("postgres://h/db?sslmode=require&connect_timeout=7")
        == "postgres://h/db?sslmode=require&connect_timeout=7&tcp_user_timeout=5000&keepalives=1"
           "&keepalives_idle=30&keepalives_interval=10&keepalives_count=3");
  CHECK(with_connection_defaults("host=h dbname=db keepalives=0")
        == "host=h dbname=db keepalives=0 connect_timeout=3 tcp_user_timeout=5000 "
           "keepalives_idle=30 keepalives_interval=10 keepalives_count=3");

  metrics::hub hub{"t", "n"};
  connection_pool pool{options(test::pg_server_url(), 1), hub.registry()};
  auto c = pool.acquire();
  pqxx::work tx{*c};
  CHECK(tx.exec("SHOW statement_timeout")[0][0].as<std::string>() == "30s");
  // A statement that outlives it fails (here: one that waits for a lock held elsewhere).
  tx.exec("SET LOCAL statement_timeout = '200ms'");
  pqxx::connection other{test::pg_server_url()};
  pqxx::work holder{other};
  holder.exec("SELECT pg_advisory_xact_lock(4242)");
  CHECK_THROWS_AS(tx.exec("SELECT pg_advisory_xact_lock(4242)"), pqxx::sql_error);
}
