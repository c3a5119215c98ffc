#pragma once

#include <string>
#include <thread>

namespace agora::test {

/// URL of the maintenance database of the PostgreSQL that the CTest fixture started
/// (scripts/pg.sh start $AGORA_TEST_PG_DIR --test). Fails the test when there is none.
std::string pg_server_url(const std::string& database = "postgres");

/// Creates an empty database with a fresh name and returns its URL; every test gets its own.
std::string fresh_database();

/// Runs one SQL statement on `url` and returns the first column of the first row ("" if none).
std::string sql_value(const std::string& url, const std::string& statement);

/// Another session that holds the locks `lock_statement` takes (say, SELECT ... FOR UPDATE) on
/// `url`, on its own connection and thread, for at most `seconds`: the constructor returns once
/// they are held (the session is asleep in pg_sleep), release() (or the destructor) ends it.
class lock_holder {
 public:
  lock_holder(const std::string& url, const std::string& lock_statement, int seconds);
  lock_holder(const lock_holder&) = delete;
  lock_holder& operator=(const lock_holder&) = delete;
  ~lock_holder();
  void release();

 private:
  std::string url_;
  std::string name_; ///< the session's application_name
  std::thread thread_;
};

} // namespace agora::test
