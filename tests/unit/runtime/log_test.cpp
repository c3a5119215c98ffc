#include "runtime/base/log.hpp"
#include "tests/support/log_capture.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <unistd.h>

using namespace agora;

TEST_CASE("a log line is one JSON object with level, node, event and fields", "[log]") {
  test::log_capture cap;
  log::set_node("node-a");
  log::info("order.created").kv("order_id", "ord_1").kv("items", 3).kv("paid", false);
  auto text = cap.text();
  REQUIRE(text.back() == '\n');
  CHECK(std::count(text.begin(), text.end(), '\n') == 1);
  auto j = nlohmann::json::parse(text);
  CHECK(j["level"] == "info");
  CHECK(j["node"] == "node-a");
  CHECK(j["event"] == "order.created");
  CHECK(j["order_id"] == "ord_1");
  CHECK(j["items"] == 3);
  CHECK(j["paid"] == false);
  CHECK(j["ts"].get<std::string>().size() == 24);
}

TEST_CASE("hostile text cannot break a log line", "[log]") {
  test::log_capture cap;
  log::warn("x").kv("msg", "quote\" backslash\\ newline\n tab\t bell\x07");
  auto text = cap.text();
  CHECK(std::count(text.begin(), text.end(), '\n') == 1);
  auto j = nlohmann::json::parse(text);
  CHECK(j["msg"] == "quote\" backslash\\ newline\n tab\t bell\x07");
}

TEST_CASE("lines below the level are not written", "[log]") {
  test::log_capture cap;
  log::set_level(log::level::warn);
  log::info("quiet");
  log::debug("quieter");
  log::error("loud");
  auto text = cap.text();
  CHECK(text.find("quiet") == std::string::npos);
  CHECK(text.find("loud") != std::string::npos);
}

TEST_CASE("levels parse from their names", "[log]") {
  log::level lv;
  CHECK(log::parse_level("debug", lv));
  CHECK(lv == log::level::debug);
  CHECK(log::parse_level("warning", lv));
  CHECK(lv == log::level::warn);
  CHECK_FALSE(log::parse_level("verbose", lv));
}
