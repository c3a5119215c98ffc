#include "persistence/migrations.hpp"
#include "tests/support/pg.hpp"

#include <catch2/catch.hpp>
#include <pqxx/connection>

#include <thread>

using namespace agora;
using namespace agora::persistence;

TEST_CASE("the shipped migrations apply once and are recorded", "[migrations]") {
  auto url = test::fresh_database();
  pqxx::connection conn{url};
  auto first = apply_migrations(conn, builtin_migrations());
  CHECK(first.applied.size() == builtin_migrations().size());
  CHECK(first.already == 0);
  auto again = apply_migrations(conn, builtin_migrations());
  CHECK(again.applied.empty());
  CHECK(again.already == builtin_migrations().size());
  CHECK(test::sql_value(url, "SELECT count(*) FROM schema_migrations")
        == std::to_string(builtin_migrations().size()));
  CHECK(test::sql_value(url, "SELECT to_regclass('members')::text") == "members");
}

TEST_CASE("nodes starting together apply each migration exactly once", "[migrations]") {
  auto url = test::fresh_database();
  std::vector<embedded_file> slow{
    {"001_a.sql", "CREATE TABLE a (x int); SELECT pg_sleep(0.2);"},
    {"002_b.sql", "CREATE TABLE b (x int);"},
  };
  std::vector<size_t> applied(4);
  std::vector<std::string> errors(4);
  std::vector<std::thread> nodes;
  for (size_t i = 0; i < 4; ++i)
    nodes.emplace_back([&, i] {
      try {
        pqxx::connection conn{url};
        applied[i] = apply_migrations(conn, slow).applied.size();
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
    });
  for (auto& t : nodes)
    t.join();
  for (auto& e : errors)
    CHECK(e.empty());
  CHECK(applied[0] + applied[1] + applied[2] + applied[3] == 2);
  CHECK(test::sql_value(url, "SELECT count(*) FROM schema_migrations") == "2");
}

TEST_CASE("an edited migration stops the start instead of drifting", "[migrations]") {
  auto url = test::fresh_database();
  pqxx::connection conn{url};
  apply_migrations(conn, {{"001_a.sql", "CREATE TABLE a (x int);"}});
  CHECK_THROWS_WITH(apply_migrations(conn, {{"001_a.sql", "CREATE TABLE a (x bigint);"}}),
                    Catch::Contains("was edited after it was applied"));
}

TEST_CASE("a failing migration leaves nothing half-applied", "[migrations]") {
  auto url = test::fresh_database();
  pqxx::connection conn{url};
  CHECK_THROWS(apply_migrations(conn, {{"001_a.sql", "CREATE TABLE a (x int);"},
                                       {"002_b.sql", "CREATE TABLE b (x int); nonsense;"}}));
  CHECK(test::sql_value(url, "SELECT count(*) FROM schema_migrations") == "1");
  CHECK(test::sql_value(url, "SELECT to_regclass('b')::text").empty());
}

TEST_CASE("migration names must be numbered and increasing", "[migrations]") {
  auto url = test::fresh_database();
  pqxx::connection conn{url};
  CHECK_THROWS_WITH(apply_migrations(conn, {{"a.sql", ""}}), Catch::Contains("NNN_name.sql"));
  CHECK_THROWS_WITH(apply_migrations(conn, {{"002_b.sql", "SELECT 1"}, {"001_a.sql", "SELECT 1"}}),
                    Catch::Contains("must increase"));
}
