#include "persistence/sql.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

using namespace agora::persistence;

TEST_CASE("SQL literals double every quote and refuse NUL bytes", "[sql]") {
  CHECK(sql::lit("") == "''");
  CHECK(sql::lit("plain text") == "'plain text'");
  CHECK(sql::lit("O'Brien") == "'O''Brien'");
  CHECK(sql::lit("'") == "''''");
  CHECK(sql::lit("''a''") == "'''''a'''''");
  CHECK(sql::lit("ends with '") == "'ends with '''");
  CHECK(sql::lit("back\\slash; -- not a comment") == "'back\\slash; -- not a comment'");
  CHECK(sql::lit("gr\xC3\xBC\xC3\x9F") == "'gr\xC3\xBC\xC3\x9F'");
  std::string long_text(5000, 'x');
  long_text[2500] = '\'';
  auto quoted = sql::lit(long_text);
  CHECK(quoted.size() == long_text.size() + 3);
  CHECK(quoted.substr(2500, 4) == "x''x");
  CHECK_THROWS_AS(sql::lit(std::string{"a\0b", 3}), std::invalid_argument);
  CHECK_THROWS_AS(sql::lit(std::string{"\0", 1}), std::invalid_argument);
  CHECK(sql::lit_or_null("") == "NULL");
  CHECK(sql::jsonb("{\"a\":\"it's\"}") == "'{\"a\":\"it''s\"}'::jsonb");
}

TEST_CASE("SQL lists join literals with commas", "[sql]") {
  CHECK(sql::list({}).empty());
  CHECK(sql::list({"1"}) == "1");
  CHECK(sql::list({sql::lit("a"), "NULL", sql::lit(int64_t{7})}) == "'a', NULL, 7");
}
