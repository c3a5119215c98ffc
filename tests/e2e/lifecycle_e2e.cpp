#include "tests/support/http_client.hpp"
#include "tests/support/node_process.hpp"
#include "tests/support/pg.hpp"
#include "tests/support/wait.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <thread>

using namespace agora::test;
using namespace std::chrono_literals;

TEST_CASE("SIGTERM stops the node cleanly: exit 0, the member row says left", "[e2e][lifecycle]") {
  auto db = fresh_database();
  node_process node{{"--http-port=0", "--node-id=e2e-stop"}, {"AGORA_DATABASE_URL=" + db}};
  REQUIRE(node.wait_started() != 0);
  REQUIRE(wait_until([&] {
    return http("GET", node.base_url() + "/readyz").status == 200;
  }));
  CHECK(sql_value(db, "SELECT status FROM members WHERE id = 'e2e-stop'") == "up");
  node.signal(SIGTERM);
  REQUIRE(node.wait_exit() == 0);
  CHECK(sql_value(db, "SELECT status FROM members WHERE id = 'e2e-stop'") == "left");
  CHECK(node.log().find("\"event\":\"node.stopped\"") != std::string::npos);
}

TEST_CASE("SIGINT stops the node cleanly too", "[e2e][lifecycle]") {
  node_process node{{"--http-port=0"}, {"AGORA_DATABASE_URL=" + fresh_database()}};
  REQUIRE(node.wait_started() != 0);
  node.signal(SIGINT);
  CHECK(node.wait_exit() == 0);
}

TEST_CASE("/readyz says 503 while the database is away and 200 when it is back",
          "[e2e][lifecycle]") {
  auto db = fresh_database();
  auto name = db.substr(db.rfind('/') + 1);
  node_process node{{"--http-port=0", "--node-id=e2e-ready"}, {"AGORA_DATABASE_URL=" + db}};
  REQUIRE(node.wait_started() != 0);
  auto ready = [&] {
    return http("GET", node.base_url() + "/readyz");
  };
  REQUIRE(wait_until([&] {
    return ready().status == 200;
  }));
  auto admin = pg_server_url();
  sql_value(admin, "ALTER DATABASE " + name + " ALLOW_CONNECTIONS false");
  sql_value(admin, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '"
                     + name + "'");
  REQUIRE(wait_until([&] {
    return ready().status == 503;
  }));
  auto down = ready();
  CHECK(down.header("retry-after") == "1");
  CHECK(down.body.find("database") != std::string::npos);
  // A read that needs the database is a 503 whose detail names no host, port or driver text.
  auto read = http("GET", node.base_url() + "/tracking/TRK-NONE");
  CHECK(read.status == 503);
  for (auto* internal : {"127.0.0.1", "localhost", "port", "host", "server", "socket", "pqxx"}) {
    INFO(internal << " in " << read.body << " / " << down.body);
    CHECK(read.body.find(internal) == std::string::npos);
    CHECK(down.body.find(internal) == std::string::npos);
  }
  CHECK(http("GET", node.base_url() + "/healthz").status == 200); // alive all the same
  sql_value(admin, "ALTER DATABASE " + name + " ALLOW_CONNECTIONS true");
  CHECK(wait_until([&] {
    return ready().status == 200;
  }));
  node.signal(SIGTERM);
  // Past the node's own 20 s shutdown limit, so a hang shows as exit 70 and a logged step.
  auto code = node.wait_exit(std::chrono::seconds{30});
  INFO(node.log());
  CHECK(code == 0);
}

TEST_CASE("a shutdown stuck on the database ends after --shutdown-seconds, naming the step",
          "[e2e][lifecycle]") {
  auto db = fresh_database();
  node_process node{{"--http-port=0", "--node-id=e2e-stuck", "--shutdown-seconds=3"},
                    {"AGORA_DATABASE_URL=" + db}};
  REQUIRE(node.wait_started() != 0);
  REQUIRE(wait_until([&] {
    return http("GET", node.base_url() + "/readyz").status == 200;
  }));
  // Another session holds the node's member row, so leaving (and every heartbeat) waits on it.
  lock_holder holder{db, "SELECT 1 FROM members WHERE id = 'e2e-stuck' FOR UPDATE", 60};
  node.signal(SIGTERM);
  auto code = node.wait_exit(std::chrono::seconds{15});
  holder.release();
  INFO(node.log());
  CHECK(code == 70);
  CHECK(node.log().find("\"event\":\"node.shutdown_stuck\"") != std::string::npos);
  CHECK(node.log().find("\"seconds\":3") != std::string::npos);
}

TEST_CASE("two nodes starting at once on a fresh database migrate it once", "[e2e][lifecycle]") {
  auto db = fresh_database();
  node_process a{{"--http-port=0", "--node-id=e2e-a"}, {"AGORA_DATABASE_URL=" + db}};
  node_process b{{"--http-port=0", "--node-id=e2e-b"}, {"AGORA_DATABASE_URL=" + db}};
  REQUIRE(a.wait_started() != 0);
  REQUIRE(b.wait_started() != 0);
  CHECK(sql_value(db, "SELECT count(*) FROM schema_migrations")
        == sql_value(db, "SELECT max(version) FROM schema_migrations"));
  REQUIRE(wait_until([&] {
    return sql_value(db, "SELECT count(*) FROM members WHERE status = 'up'") == "2";
  }));
}
