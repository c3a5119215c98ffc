#include "http/request_context.hpp"

#include <catch2/catch.hpp>

using namespace agora::http;

TEST_CASE("a client's request id is echoed when it is printable and short", "[request]") {
  CHECK(request_id_for(std::string_view{"abc-123"}) == "abc-123");
  auto fresh = request_id_for(std::nullopt);
  CHECK(fresh.size() == 32);
  CHECK(request_id_for(std::nullopt) != fresh);
  CHECK(request_id_for(std::string_view{"has space"}).size() == 32);
  CHECK(request_id_for(std::string_view{"quote\""}).size() == 32);
  CHECK(request_id_for(std::string(129, 'a')).size() == 32);
  CHECK(request_id_for(std::string_view{""}).size() == 32);
}

TEST_CASE("a valid traceparent continues the caller's trace with a new span", "[request]") {
  auto tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  auto ctx = trace_for(std::string_view{tp});
  CHECK(ctx.trace_id == "4bf92f3577b34da6a3ce929d0e0e4736");
  CHECK(ctx.traceparent.rfind("00-4bf92f3577b34da6a3ce929d0e0e4736-", 0) == 0);
  CHECK(ctx.traceparent.substr(36, 16) != "00f067aa0ba902b7");
  CHECK(ctx.traceparent.substr(53) == "01");
}

TEST_CASE("an invalid traceparent starts a new trace", "[request]") {
  for (auto bad : {"", "garbage", "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                   "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
                   "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"}) {
    auto ctx = trace_for(std::string_view{bad});
    CHECK(ctx.trace_id.size() == 32);
    CHECK(ctx.trace_id != "4bf92f3577b34da6a3ce929d0e0e4736");
    CHECK(ctx.traceparent.size() == 55);
  }
}

TEST_CASE("admin routes need a known bearer token with the right role", "[auth]") {
  std::map<std::string, std::string> tokens{{"admin-token-0123456789", "admin"},
                                            {"oper-token-0123456789", "operator"}};
  CHECK_FALSE(authorize(access::everyone, std::nullopt, tokens));
  CHECK(authorize(access::operator_role, std::nullopt, tokens)->status == 401);
  CHECK(authorize(access::operator_role, std::string_view{"Basic abc"}, tokens)->status == 401);
  CHECK(authorize(access::operator_role, std::string_view{"Bearer nope"}, tokens)->status == 401);
  CHECK_FALSE(
    authorize(access::operator_role, std::string_view{"Bearer oper-token-0123456789"}, tokens));
  CHECK_FALSE(
    authorize(access::operator_role, std::string_view{"bearer admin-token-0123456789"}, tokens));
  CHECK(
    authorize(access::admin_role, std::string_view{"Bearer oper-token-0123456789"}, tokens)->status
    == 403);
  CHECK_FALSE(
    authorize(access::admin_role, std::string_view{"Bearer admin-token-0123456789"}, tokens));
  CHECK(
    authorize(access::admin_role, std::string_view{"Bearer admin-token-012345678"}, tokens)->status
    == 401);
}

TEST_CASE("token lists parse token:role pairs and refuse anything else", "[auth]") {
  std::string error;
  auto ok = parse_tokens("aaaaaaaaaaaaaaaa:admin, bbbbbbbbbbbbbbbb:operator", error);
  REQUIRE(ok);
  CHECK(ok->at("aaaaaaaaaaaaaaaa") == "admin");
  CHECK(ok->at("bbbbbbbbbbbbbbbb") == "operator");
  CHECK(parse_tokens("", error)->empty());
  CHECK_FALSE(parse_tokens("aaaaaaaaaaaaaaaa:root", error));
  CHECK_FALSE(parse_tokens("short:admin", error));
  CHECK_FALSE(parse_tokens("aaaaaaaaaaaaaaaa", error));
}

TEST_CASE("only application/json counts as JSON", "[request]") {
  CHECK(is_json_content_type("application/json"));
  CHECK(is_json_content_type("Application/JSON; charset=utf-8"));
  CHECK_FALSE(is_json_content_type("text/plain"));
  CHECK_FALSE(is_json_content_type("application/jsonx"));
  CHECK_FALSE(is_json_content_type(""));
}

TEST_CASE("express paths become route templates", "[request]") {
  CHECK(route_template("/orders/:id/events") == "/orders/{id}/events");
  CHECK(route_template("/inventory/:product_id") == "/inventory/{product_id}");
  CHECK(route_template("/healthz") == "/healthz");
}
