#pragma once

#include <string>

namespace agora::test {

/// URL of the maintenance database of the PostgreSQL that the CTest fixture started
/// (scripts/pg.sh start $AGORA_TEST_PG_DIR --test). Fails the test when there is none.
std::string pg_server_url(const std::string& database = "postgres");

/// Creates an empty database with a fresh name and returns its URL; every test gets its own.
std::string fresh_database();

/// Runs one SQL statement on `url` and returns the first column of the first row ("" if none).
std::string sql_value(const std::string& url, const std::string& statement);

} // namespace agora::test
