#include "http/request_context.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <map>

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

TEST_CASE("credentials are read by shape, staff tokens compared whole", "[auth]") {
  std::map<std::string, std::string> tokens{{"admin-token-0123456789", "admin"},
                                            {"oper-token-0123456789", "operator"}};
  using kind = credential::kind;
  auto read = [&](std::optional<std::string_view> header,
                  std::optional<std::string_view> query = std::nullopt) {
    return read_credential(header, query, tokens).what;
  };
  std::string session = "ses_" + std::string(43, 'A');
  std::string order = "oat_" + std::string(42, 'b') + "-";
  CHECK(read(std::nullopt) == kind::none);
  CHECK(read(std::string_view{"Basic abc"}) == kind::malformed);
  CHECK(read(std::string_view{"Bearer"}) == kind::malformed);
  CHECK(read(std::string_view{"Bearer nope"}) == kind::unknown);
  CHECK(read(std::string_view{"Bearer admin-token-012345678"}) == kind::unknown); // a prefix
  auto staff = read_credential(std::string_view{"bearer oper-token-0123456789"}, {}, tokens);
  CHECK(staff.what == kind::staff);
  CHECK(staff.role == "operator");
  CHECK(read(std::string_view{"Bearer " + session}) == kind::session);
  CHECK(read(std::string_view{"Bearer " + session + "x"}) == kind::unknown);
  CHECK(read(std::string_view{"Bearer ses_" + std::string(42, 'A') + "!"}) == kind::unknown);
  CHECK(read(std::string_view{"Bearer " + order}) == kind::order_token);
  CHECK(read(std::nullopt, std::string_view{order}) == kind::order_token);
  // ?access_token= carries order tokens only: a session or staff token in a URL is refused.
  CHECK(read(std::nullopt, std::string_view{session}) == kind::unknown);
  CHECK(read(std::nullopt, std::string_view{"admin-token-0123456789"}) == kind::unknown);
}

TEST_CASE("each access rule admits its callers: 401 for unknown ones, 403 for wrong kinds",
          "[auth]") {
  auto as = [](caller_kind k) {
    caller c;
    c.kind = k;
    return c;
  };
  using k = caller_kind;
  auto status = [&](access rule, caller_kind who) {
    auto p = permit(rule, as(who));
    return p ? p->status : 200;
  };
  //                          anonymous guest customer operator admin
  const std::map<access, std::array<int, 5>> table{
    {access::everyone, {200, 200, 200, 200, 200}},
    {access::order_holder, {401, 200, 200, 200, 200}},
    {access::customer, {401, 401, 200, 200, 200}},
    {access::account, {401, 401, 200, 403, 403}},
    {access::operator_role, {401, 401, 403, 200, 200}},
    {access::admin_role, {401, 401, 403, 403, 200}},
  };
  const k kinds[] = {k::anonymous, k::guest, k::customer, k::operator_staff, k::admin_staff};
  for (auto& [rule, expected] : table)
    for (size_t i = 0; i < 5; ++i) {
      INFO("rule " << static_cast<int>(rule) << ", caller " << i);
      CHECK(status(rule, kinds[i]) == expected[i]);
    }
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

TEST_CASE("address ranges parse and contain what they should", "[auth]") {
  std::string error;
  auto ranges = parse_ranges("127.0.0.0/8, ::1, 10.1.0.0/16", error);
  REQUIRE(ranges);
  CHECK(address_in("127.0.0.1", *ranges));
  CHECK(address_in("127.9.9.9", *ranges));
  CHECK(address_in("::1", *ranges));
  CHECK(address_in("10.1.255.3", *ranges));
  CHECK_FALSE(address_in("10.2.0.1", *ranges));
  CHECK_FALSE(address_in("::2", *ranges));
  CHECK_FALSE(address_in("not an address", *ranges));
  CHECK(parse_ranges("", error)->empty());
  CHECK_FALSE(parse_ranges("10.0.0.0/33", error));
  CHECK_FALSE(parse_ranges("nope/8", error));
  CHECK_FALSE(parse_ranges("10.0.0.0/x", error));
  CHECK(address_in("8.8.8.8", *parse_ranges("0.0.0.0/0", error)));
}
