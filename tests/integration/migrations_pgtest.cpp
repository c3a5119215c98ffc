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

TEST_CASE("migration 006 moves recorded shipment events into the shipment timeline",
          "[migrations]") {
  // A database as it stood before 006, with a delivered, a moving and a cancelled shipment.
  auto url = test::fresh_database();
  pqxx::connection conn{url};
  std::vector<embedded_file> before, all = builtin_migrations();
  for (auto& m : all)
    if (m.name < "006")
      before.push_back(m);
  REQUIRE(before.size() == 5);
  apply_migrations(conn, before);
  test::sql_value(
    url,
    "INSERT INTO shipments (id, order_id, status, tracking_number, carrier, updated_at) VALUES "
    "('shp_d', 'ord_d', 'DELIVERED', '1ZD', 'UPS', now()), "
    "('shp_m', 'ord_m', 'IN_TRANSIT', '1ZM', 'UPS', now()), "
    "('shp_c', 'ord_c', 'CANCELLED', '1ZC', 'UPS', now());"
    "INSERT INTO shipment_events (shipment_id, status, at) VALUES "
    "('shp_d', 'LABEL_CREATED', '2026-01-01 10:00Z'), ('shp_d', 'IN_TRANSIT', '2026-01-01 "
    "11:00Z'), "
    "('shp_d', 'OUT_FOR_DELIVERY', '2026-01-01 12:00Z'), ('shp_d', 'DELIVERED', '2026-01-01 "
    "13:00Z'), ('shp_m', 'LABEL_CREATED', '2026-01-02 10:00Z'), ('shp_m', 'IN_TRANSIT', "
    "'2026-01-02 11:00Z'), ('shp_c', 'LABEL_CREATED', '2026-01-03 10:00Z'), ('shp_c', 'CANCELLED', "
    "'2026-01-03 10:30Z')");
  apply_migrations(conn, all);
  auto timeline = [&](const std::string& id) {
    return test::sql_value(
      url, "SELECT concat_ws(',', to_char(in_transit_at AT TIME ZONE 'UTC', "
           "'HH24:MI'), to_char(out_for_delivery_at AT TIME ZONE 'UTC', 'HH24:MI'), "
           "to_char(ended_at AT TIME ZONE 'UTC', 'HH24:MI')) FROM shipments WHERE "
           "id = '"
             + id + "'");
  };
  CHECK(timeline("shp_d") == "11:00,12:00,13:00");
  CHECK(timeline("shp_m") == "11:00");
  CHECK(timeline("shp_c") == "10:30");
  CHECK(test::sql_value(url, "SELECT to_regclass('shipment_events')::text").empty());
  // Only the moving one is left to the carrier.
  CHECK(test::sql_value(url, "SELECT string_agg(id, ',') FROM shipments WHERE ended_at IS NULL")
        == "shp_m");
}
