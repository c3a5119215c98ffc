#include "tests/support/agora_node.hpp"
#include "tests/support/orders.hpp"
#include "tests/support/pg.hpp"
#include "tests/support/wait.hpp"

#include <catch2/catch.hpp>

#include <cctype>
#include <map>
#include <set>

// The authorization matrix, generated from /openapi.json: every operation is called by every
// kind of caller, and the status is held to what the operation's declared rule (x-agora-access)
// allows. An operation without a rule fails; so does any success the rule does not allow.

using namespace agora::test;
using nlohmann::json;

namespace {

enum class who {
  none,
  malformed,
  unknown,
  expired,
  other_customer,
  other_order_token,
  owner,
  operator_staff,
  admin_staff
};

const std::map<who, const char*> names{
  {who::none, "no token"},
  {who::malformed, "malformed"},
  {who::unknown, "unknown token"},
  {who::expired, "expired session"},
  {who::other_customer, "another customer"},
  {who::other_order_token, "another order's token"},
  {who::owner, "the owning customer"},
  {who::operator_staff, "operator"},
  {who::admin_staff, "admin"},
};

/// What the contract says `caller` gets from an operation with `rule`: "ok" (anything but
/// 401/403/404), or the status of the refusal.
std::string expected(const std::string& rule, who caller) {
  switch (caller) {
    case who::malformed:
    case who::unknown:
    case who::expired: return "401"; // a credential that is sent must be valid, everywhere
    default: break;
  }
  bool staff = caller == who::operator_staff || caller == who::admin_staff;
  bool customer = caller == who::other_customer || caller == who::owner;
  if (rule == "everyone" || rule == "metrics") // the matrix calls from loopback: allowed
    return "ok";
  if (rule == "order_holder") {
    if (caller == who::none)
      return "401";
    return caller == who::owner || staff ? "ok" : "404";
  }
  if (rule == "customer")
    return customer || staff ? "ok" : "401";
  if (rule == "account")
    return customer ? "ok" : staff ? "403" : "401";
  if (rule == "operator")
    return staff ? "ok" : customer ? "403" : "401";
  if (rule == "admin")
    return caller == who::admin_staff ? "ok" : customer || staff ? "403" : "401";
  return "no rule";
}

struct world {
  agora_node& node;
  std::string owner_email;
  std::string other_email;
  std::string expired_session;
  std::string other_order_token;
  json order;               ///< the owner's order, with its payment and shipment
  std::string actor;        ///< a live actor, "<id>@<node>"
  std::string notification; ///< one of the order's mails

  std::string session(const std::string& email) const {
    auto r = http("POST", node.url("/sessions"),
                  json{{"email", email}, {"password", "correct horse battery"}}.dump(),
                  {"Content-Type: application/json"});
    REQUIRE(r.status == 201);
    return json_of(r)["token"];
  }

  std::string header(who caller) const {
    switch (caller) {
      case who::none: return {};
      case who::malformed: return "Authorization: Basic YWRtaW46YWRtaW4=";
      case who::unknown: return "Authorization: Bearer ses_" + std::string(43, 'Q');
      case who::expired: return "Authorization: Bearer " + expired_session;
      case who::other_customer: return "Authorization: Bearer " + session(other_email);
      case who::other_order_token: return "Authorization: Bearer " + other_order_token;
      case who::owner: return "Authorization: Bearer " + session(owner_email); // fresh: sign-out
      case who::operator_staff: return std::string{"Authorization: Bearer "} + operator_token;
      case who::admin_staff: return std::string{"Authorization: Bearer "} + admin_token;
    }
    return {};
  }

  /// The path with its parameters filled with the owner's resources.
  std::string fill(std::string path) const {
    auto put = [&](const std::string& name, const std::string& value) {
      auto at = path.find("{" + name + "}");
      if (at != std::string::npos)
        path.replace(at, name.size() + 2, value);
    };
    if (path.rfind("/orders/", 0) == 0 || path.rfind("/admin/orders/", 0) == 0)
      put("id", order["id"]);
    if (path.rfind("/admin/actors/", 0) == 0)
      put("id", actor);
    if (path.rfind("/admin/notifications/", 0) == 0)
      put("id", notification);
    if (path.rfind("/payments/", 0) == 0)
      put("id", order["payment"]["id"]);
    if (path.rfind("/shipments/", 0) == 0)
      put("id", order["shipment"]["id"]);
    put("tracking_number", order["shipment"]["tracking_number"]);
    put("id", "3");
    put("product_id", "3");
    return path;
  }
};

json example_body(const json& op) {
  if (!op.contains("requestBody"))
    return nullptr;
  auto& media = op["requestBody"]["content"]["application/json"];
  return media.value("example", json::object());
}

} // namespace

TEST_CASE("authorization matrix: every operation and caller gets what the contract says",
          "[e2e][access][matrix]") {
  agora_node node{{"--shipping-step-seconds=0", "--session-cache-seconds=0"}};
  for (auto email : {"owner@example.com", "other@example.com", "gone@example.com"})
    REQUIRE(http("POST", node.url("/customers"),
                 json{{"email", email}, {"password", "correct horse battery"}}.dump(),
                 {"Content-Type: application/json"})
              .status
            == 201);
  world w{node, "owner@example.com", "other@example.com", {}, {}, {}, {}, {}};
  w.expired_session = w.session("gone@example.com");
  sql_value(node.db, "UPDATE sessions s SET expires_at = now() - interval '1 second' FROM "
                     "customers c WHERE c.id = s.customer_id AND c.email = 'gone@example.com'");
  w.other_order_token = json_of(place_order(node, order_body(4, 1)))["access_token"];
  auto placed = http("POST", node.url("/orders"), order_body(3, 1).dump(),
                     {"Content-Type: application/json", "Prefer: wait=10",
                      "Authorization: Bearer " + w.session(w.owner_email)});
  REQUIRE(placed.status == 201);
  auto id = json_of(placed)["id"].get<std::string>();
  REQUIRE(wait_until([&] {
    w.order = json_of(node.get("/orders/" + id));
    return !w.order["shipment"].is_null();
  }));
  w.actor = json_of(node.get("/admin/actors?type=order.router"))["items"][0]["id"];
  w.notification = json_of(node.get("/notifications?order_id=" + id))["items"][0]["id"];

  auto doc = json_of(http("GET", node.url("/openapi.json")));
  int cells = 0, unauthorized_successes = 0;
  for (auto& [path, ops] : doc["paths"].items())
    for (auto& [method, op] : ops.items()) {
      auto rule = op.value("x-agora-access", std::string{"no rule"});
      std::string verb;
      for (char c : method)
        verb += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      // Denials first, then the callers who may: their changes (a cancel, a sign-out) come last.
      for (auto caller :
           {who::none, who::malformed, who::unknown, who::expired, who::other_customer,
            who::other_order_token, who::owner, who::operator_staff, who::admin_staff}) {
        auto want = expected(rule, caller);
        std::vector<std::string> headers;
        if (auto h = w.header(caller); !h.empty())
          headers.push_back(h);
        auto body = path == "/sessions" // the example's account does not exist here
                      ? json{{"email", w.owner_email}, {"password", "correct horse battery"}}
                      : example_body(op);
        if (!body.is_null())
          headers.push_back("Content-Type: application/json");
        auto r = http(verb, node.url(w.fill(path)), body.is_null() ? "" : body.dump(), headers);
        auto got = r.status == 401 || r.status == 403 || r.status == 404 ? std::to_string(r.status)
                                                                         : std::string{"ok"};
        INFO(verb << " " << path << " by " << names.at(caller) << " (rule " << rule
                  << "): " << r.status << " " << r.body.substr(0, 200));
        CHECK(r.status < 500);
        // A public lookup may 404 for its own reasons (the example product, a tracking number).
        if (want == "ok" && got == "404" && rule == "everyone")
          got = "ok";
        CHECK(got == want);
        unauthorized_successes += want != "ok" && r.status < 400;
        ++cells;
      }
    }
  CHECK(cells >= 9 * 30);
  CHECK(unauthorized_successes == 0);
}
