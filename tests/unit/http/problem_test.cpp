#include "http/problem.hpp"

#include <caf/sec.hpp>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace agora;
using protocol::errc;

TEST_CASE("every error code maps to its contract status", "[problem]") {
  CHECK(http::status_of(errc::invalid_argument) == 400);
  CHECK(http::status_of(errc::unauthenticated) == 401);
  CHECK(http::status_of(errc::forbidden) == 403);
  CHECK(http::status_of(errc::not_found) == 404);
  CHECK(http::status_of(errc::conflict) == 409);
  CHECK(http::status_of(errc::idempotency_mismatch) == 422);
  CHECK(http::status_of(errc::overloaded) == 503);
  CHECK(http::status_of(errc::storage_unavailable) == 503);
  CHECK(http::status_of(errc::timeout) == 503);
  CHECK(http::status_of(errc::unavailable) == 503);
  CHECK(http::status_of(errc::internal) == 500);
  CHECK(http::status_of(errc::method_not_allowed) == 405);
  CHECK(http::status_of(errc::payload_too_large) == 413);
  CHECK(http::status_of(errc::unsupported_media_type) == 415);
  CHECK(http::status_of(errc::rate_limited) == 429);
  CHECK(http::status_of(errc::uri_too_long) == 414);
  CHECK(http::status_of(errc::headers_too_large) == 431);
  CHECK(http::status_of(errc::not_implemented) == 501);
}

TEST_CASE("a refused command answers with its one code", "[problem]") {
  using agora::domain::refusal;
  CHECK_FALSE(protocol::refused(refusal::none, "fine"));
  CHECK(http::from_error(protocol::refused(refusal::not_found, "no such order"), "").status == 404);
  CHECK(http::from_error(protocol::refused(refusal::conflict, "shipped"), "").status == 409);
  CHECK(http::from_error(protocol::refused(refusal::unavailable, "late"), "").status == 503);
  CHECK(http::from_error(protocol::refused(refusal::conflict, "shipped"), "").detail == "shipped");
}

TEST_CASE("no error code is left without a mapping or a name", "[problem]") {
  for (auto code : protocol::all_errc) {
    auto status = http::status_of(code);
    CHECK(status >= 400);
    CHECK(http::reason_of(status) != "Unknown");
    CHECK(protocol::to_string(code) != "none");
  }
}

TEST_CASE("a problem renders as RFC 9457 JSON with field errors", "[problem]") {
  auto p = http::invalid({{"items[0].quantity", "must be 1..1000"}});
  auto j = nlohmann::json::parse(http::to_json(p));
  CHECK(j["status"] == 400);
  CHECK(j["title"] == "Bad Request");
  CHECK(j["type"] == "https://agora.dev/problems/bad-request");
  CHECK(j["detail"] == "items[0].quantity: must be 1..1000");
  REQUIRE(j["errors"].size() == 1);
  CHECK(j["errors"][0]["field"] == "items[0].quantity");
}

TEST_CASE("503 problems tell the client when to retry", "[problem]") {
  auto p = http::make_problem(errc::storage_unavailable, "database down");
  CHECK(p.status == 503);
  REQUIRE(p.retry_after);
  CHECK(*p.retry_after >= 1);
}

TEST_CASE("actor errors map through the table, CAF timeouts become 503", "[problem]") {
  auto conflict = http::from_error(caf::make_error(errc::conflict, std::string{"sku taken"}), "");
  CHECK(conflict.status == 409);
  CHECK(conflict.detail == "sku taken");
  CHECK(http::from_error(caf::make_error(caf::sec::request_timeout), "").status == 503);
  CHECK(http::from_error(caf::make_error(caf::sec::request_receiver_down), "").status == 503);
  auto internal = http::from_error(caf::make_error(errc::internal, std::string{"secret"}), "");
  CHECK(internal.status == 500);
  CHECK(internal.detail == "internal error"); // internals never reach the client
}

TEST_CASE("problem text survives invalid UTF-8 in the detail", "[problem]") {
  auto p = http::make_problem(errc::invalid_argument, std::string{"bad \xff byte"});
  auto j = nlohmann::json::parse(http::to_json(p), nullptr, false);
  CHECK_FALSE(j.is_discarded());
}
