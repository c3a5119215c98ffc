#include "tests/support/pg.hpp"

#include "runtime/base/random.hpp"
#include "tests/support/wait.hpp"

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

lock_holder::lock_holder(const std::string& url, const std::string& lock_statement, int seconds)
  : url_(url), name_("agora_test_lock_" + random_hex(4)) {
  auto tagged =
    url + (url.find('?') == std::string::npos ? "?" : "&") + "application_name=" + name_;
  thread_ = std::thread{[tagged, lock_statement, seconds] {
    try { // one implicit transaction: the locks last until the sleep ends or is cut short
      sql_value(tagged, lock_statement + "; SELECT pg_sleep(" + std::to_string(seconds) + ")");
    } catch (...) {
    }
  }};
  bool held = wait_until([&] {
    return sql_value(url_, "SELECT count(*) FROM pg_stat_activity WHERE application_name = '"
                             + name_ + "' AND wait_event = 'PgSleep'")
           == "1";
  });
  if (!held)
    release();
  REQUIRE(held);
}

lock_holder::~lock_holder() {
  release();
}

void lock_holder::release() {
  if (!thread_.joinable())
    return;
  sql_value(url_, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE "
                  "application_name = '"
                    + name_ + "'");
  thread_.join();
}

} // namespace agora::test
