#include "tests/support/node_process.hpp"
#include "tests/support/pg.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace agora::test;
using namespace std::chrono_literals;

namespace {

size_t lines(const std::string& text) {
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

} // namespace

TEST_CASE("agora --help lists every option and exits 0", "[e2e][config]") {
  node_process node{{"--help"}};
  CHECK(node.wait_exit() == 0);
}

TEST_CASE("a bad port ends the start with one line and exit code 2", "[e2e][config]") {
  node_process node{{"--http-port=99999"}, {"AGORA_DATABASE_URL=" + pg_server_url("agora")}};
  REQUIRE(node.wait_exit(10s) == 2);
  auto log = node.log();
  CHECK(lines(log) == 1);
  CHECK(log.rfind("agora: --http-port", 0) == 0);
}

TEST_CASE("an unknown option ends the start with one line and exit code 2", "[e2e][config]") {
  node_process node{{"--no-such-option=1"}};
  REQUIRE(node.wait_exit(10s) == 2);
  CHECK(lines(node.log()) == 1);
  CHECK(node.log().find("unknown option --no-such-option") != std::string::npos);
}

TEST_CASE("an unreachable database ends the start after the bounded wait", "[e2e][config]") {
  node_process node{{"--http-port=0", "--db-wait-seconds=1"},
                    {"AGORA_DATABASE_URL=postgresql://postgres@127.0.0.1:1/agora"}};
  REQUIRE(node.wait_exit(15s) == 1);
  auto log = node.log();
  auto last = log.substr(log.rfind('\n', log.size() - 2) + 1);
  CHECK(last.rfind("agora: database unreachable at postgresql://postgres@127.0.0.1:1/agora", 0)
        == 0);
  CHECK(log.find("\"event\":\"database.waiting\"") != std::string::npos);
}

TEST_CASE("a port already in use ends the start with one line", "[e2e][config]") {
  auto url = fresh_database();
  node_process first{{"--http-port=0"}, {"AGORA_DATABASE_URL=" + url}};
  auto port = first.wait_started();
  REQUIRE(port != 0);
  node_process second{{"--http-port=" + std::to_string(port)}, {"AGORA_DATABASE_URL=" + url}};
  REQUIRE(second.wait_exit(15s) == 1);
  CHECK(second.log().find("agora: cannot serve HTTP on 127.0.0.1:" + std::to_string(port))
        != std::string::npos);
}
