#include "tests/support/pg.hpp"

#include "runtime/base/random.hpp"

#include <catch2/catch.hpp>
#include <pqxx/connection>
#include <pqxx/nontransaction>

#include <cstdlib>
#include <fstream>

namespace agora::test {

std::string pg_server_url(const std::string& database) {
  const char* dir = std::getenv("AGORA_TEST_PG_DIR");
  if (!dir)
    dir = AGORA_TEST_PG_DIR;
  std::ifstream in{std::string{dir} + "/url"};
  std::string url;
  std::getline(in, url);
  REQUIRE(!url.empty());
  return url.substr(0, url.rfind('/') + 1) + database;
}

std::string fresh_database() {
  auto name = "t_" + random_hex(8);
  pqxx::connection conn{pg_server_url()};
  pqxx::nontransaction tx{conn};
  tx.exec("CREATE DATABASE " + name);
  return pg_server_url(name);
}

std::string sql_value(const std::string& url, const std::string& statement) {
  pqxx::connection conn{url};
  pqxx::nontransaction tx{conn};
  auto r = tx.exec(statement);
  if (r.empty() || r[0][0].is_null())
    return {};
  return r[0][0].as<std::string>();
}

} // namespace agora::test
