#include "tests/support/agora_node.hpp"
#include "tests/support/orders.hpp"
#include "tests/support/pg.hpp"
#include "tests/support/wait.hpp"

#include <catch2/catch.hpp>

#include <chrono>

// Customers, sessions and who may see what (api.md, "Who may do what"): every check here failed
// on the code before issue 13, where anyone could list and cancel anyone's orders.

using namespace agora::test;
using nlohmann::json;

namespace {

std::string bearer(const std::string& token) {
  return "Authorization: Bearer " + token;
}

/// A request with JSON body (or none) as the holder of `token` (empty: anonymous).
http_response as(const agora_node& node, const std::string& token, const std::string& method,
                 const std::string& path, const json& body = nullptr) {
  std::vector<std::string> headers;
  if (!token.empty())
    headers.push_back(bearer(token));
  if (body.is_null())
    return http(method, node.url(path), {}, headers);
  headers.push_back("Content-Type: application/json");
  return http(method, node.url(path), body.dump(), headers);
}

/// A new account and a session for it: the session token.
std::string customer(const agora_node& node, const std::string& email) {
  auto made = as(node, "", "POST", "/customers",
                 {{"email", email}, {"password", "correct horse battery"}, {"name", "Cust"}});
  REQUIRE(made.status == 201);
  auto session =
    as(node, "", "POST", "/sessions", {{"email", email}, {"password", "correct horse battery"}});
  REQUIRE(session.status == 201);
  return json_of(session)["token"];
}

} // namespace

TEST_CASE("accounts: sign up, sign in, sign out, and passwords only as Argon2id hashes",
          "[e2e][access]") {
  agora_node node{{"--session-cache-seconds=0"}};
  const std::string password = "pa55word-never-logged";
  auto made = as(node, "", "POST", "/customers",
                 {{"email", "Ann@Example.com"}, {"password", password}, {"name", "Ann"}});
  REQUIRE(made.status == 201);
  auto account = json_of(made);
  CHECK(account["email"] == "Ann@Example.com");
  CHECK(account["id"].get<std::string>().rfind("cus_", 0) == 0);
  CHECK(made.body.find(password) == std::string::npos);
  // The email is unique in any letter case; weak passwords and bad emails are 400s.
  CHECK(as(node, "", "POST", "/customers", {{"email", "ann@example.COM"}, {"password", password}})
          .status
        == 409);
  auto weak =
    as(node, "", "POST", "/customers", {{"email", "b@example.com"}, {"password", "short"}});
  CHECK(weak.status == 400);
  CHECK(json_of(weak)["errors"][0]["field"] == "password");
  CHECK(as(node, "", "POST", "/customers", {{"email", "nope"}, {"password", password}}).status
        == 400);
  CHECK(sql_value(node.db, "SELECT count(*) FROM customers WHERE password_hash LIKE "
                           "'$argon2id$v=19$%'")
        == "1");
  CHECK(sql_value(node.db,
                  "SELECT count(*) FROM customers WHERE password_hash LIKE '%" + password + "%'")
        == "0");

  // A wrong password and an unknown email look the same.
  auto wrong = as(node, "", "POST", "/sessions", {{"email", "ann@example.com"}, {"password", "x"}});
  auto unknown =
    as(node, "", "POST", "/sessions", {{"email", "zed@example.com"}, {"password", password}});
  CHECK(wrong.status == 401);
  CHECK(unknown.status == 401);
  CHECK(json_of(wrong)["detail"] == json_of(unknown)["detail"]);

  auto session =
    as(node, "", "POST", "/sessions", {{"email", "ANN@example.com"}, {"password", password}});
  REQUIRE(session.status == 201);
  auto token = json_of(session)["token"].get<std::string>();
  CHECK(token.rfind("ses_", 0) == 0);
  CHECK(json_of(session)["expires_at"].get<std::string>().size() == 24);
  CHECK(sql_value(node.db, "SELECT count(*) FROM sessions WHERE token_digest = '" + token + "'")
        == "0"); // stored as a digest only
  auto me = as(node, token, "GET", "/customers/me");
  REQUIRE(me.status == 200);
  CHECK(json_of(me)["email"] == "Ann@Example.com");
  CHECK(as(node, "", "GET", "/customers/me").status == 401);
  CHECK(as(node, admin_token, "GET", "/customers/me").status == 403); // staff have no account

  // Revoked, then expired: both 401.
  CHECK(as(node, token, "DELETE", "/sessions/current").status == 204);
  CHECK(as(node, token, "GET", "/customers/me").status == 401);
  auto second = json_of(as(node, "", "POST", "/sessions",
                           {{"email", "ann@example.com"}, {"password", password}}))["token"]
                  .get<std::string>();
  CHECK(as(node, second, "GET", "/customers/me").status == 200);
  sql_value(node.db, "UPDATE sessions SET expires_at = now() - interval '1 second'");
  CHECK(as(node, second, "GET", "/customers/me").status == 401);
  CHECK(as(node, "ses_" + std::string(43, 'A'), "GET", "/customers/me").status == 401);
  CHECK(node.process->log().find(password) == std::string::npos);
}

TEST_CASE("customers see only their own orders, payments, shipments and events (BOLA)",
          "[e2e][access]") {
  agora_node node{{"--shipping-step-seconds=0"}};
  auto a = customer(node, "alice@example.com");
  auto b = customer(node, "bob@example.com");
  // With a session the order is the account's, whatever customer_email says.
  auto body = order_body(3, 1, "4242424242424242", "someone-else@example.com");
  auto placed = http("POST", node.url("/orders"), body.dump(),
                     {bearer(a), "Content-Type: application/json", "Prefer: wait=10"});
  REQUIRE(placed.status == 201);
  auto order = json_of(placed);
  REQUIRE(order["status"] == "PAID");
  CHECK(order["customer_email"] == "alice@example.com");
  CHECK(order.count("access_token") == 0); // an account's order needs no token
  auto id = order["id"].get<std::string>();
  REQUIRE(wait_until([&] { // the shipment follows the payment
    order = json_of(as(node, a, "GET", "/orders/" + id));
    return !order["shipment"].is_null();
  }));
  auto pay = "/payments/" + order["payment"]["id"].get<std::string>();
  auto ship = "/shipments/" + order["shipment"]["id"].get<std::string>();

  for (auto path : {"/orders/" + id, "/orders/" + id + "/events", pay, ship}) {
    INFO(path);
    CHECK(as(node, a, "GET", path).status == 200);
    CHECK(as(node, b, "GET", path).status == 404); // not 403: B learns nothing
    CHECK(as(node, "", "GET", path).status == 401);
    CHECK(as(node, operator_token, "GET", path).status == 200);
  }
  CHECK(as(node, b, "POST", "/orders/" + id + "/cancel", json::object()).status == 404);
  CHECK(json_of(node.get("/orders/" + id))["status"] == "PAID");

  // Lists: a customer sees their own (customer_email is ignored), anonymous nothing.
  auto bobs = json_of(as(node, b, "GET", "/orders?customer_email=alice@example.com"));
  CHECK(bobs["total"] == 0);
  CHECK(json_of(as(node, a, "GET", "/orders"))["total"] == 1);
  CHECK(as(node, "", "GET", "/orders").status == 401);
  CHECK(json_of(node.get("/orders?customer_email=ALICE@example.com"))["total"] == 1);
  for (auto list : {"/payments", "/shipments", "/notifications"}) {
    INFO(list);
    CHECK(as(node, "", "GET", list).status == 401);
    CHECK(as(node, a, "GET", list).status == 403);
    CHECK(as(node, operator_token, "GET", list).status == 200);
  }
  CHECK(as(node, a, "POST", "/orders/" + id + "/cancel", json::object()).status == 200);
}

TEST_CASE("a guest's order opens with its access token only, also from the mail's link",
          "[e2e][access]") {
  agora_node node{{"--shipping-step-seconds=0"}};
  auto first = place_order(node, order_body(3, 1), 10);
  auto second = place_order(node, order_body(4, 1), 10);
  REQUIRE(first.status == 201);
  auto o1 = json_of(first);
  auto o2 = json_of(second);
  auto token = o1["access_token"].get<std::string>();
  CHECK(token.rfind("oat_", 0) == 0);
  auto id1 = o1["id"].get<std::string>();
  auto id2 = o2["id"].get<std::string>();
  CHECK(as(node, token, "GET", "/orders/" + id1).status == 200);
  CHECK(http("GET", node.url("/orders/" + id1 + "?access_token=" + token)).status == 200);
  CHECK(as(node, token, "GET", "/payments/" + o1["payment"]["id"].get<std::string>()).status
        == 200);
  // The token of one order opens no other, and lists nothing.
  CHECK(as(node, token, "GET", "/orders/" + id2).status == 404);
  CHECK(as(node, token, "POST", "/orders/" + id2 + "/cancel", json::object()).status == 404);
  CHECK(as(node, token, "GET", "/orders").status == 401);
  CHECK(as(node, "oat_" + std::string(43, 'x'), "GET", "/orders/" + id1).status == 404);
  auto alice = customer(node, "ann@example.com"); // the guest's email: still not her order
  CHECK(as(node, alice, "GET", "/orders/" + id1).status == 404);
  // The ORDER_CREATED mail links to the order with its token.
  CHECK(sql_value(node.db, "SELECT count(*) FROM notifications WHERE order_id = '" + id1
                             + "' AND type = 'ORDER_CREATED' AND body_text LIKE '%/orders/" + id1
                             + "?access_token=" + token + "%'")
        == "1");
  CHECK(as(node, token, "POST", "/orders/" + id1 + "/cancel", json::object()).status == 200);
}

TEST_CASE("idempotency keys are scoped to the caller: the same key never joins two callers",
          "[e2e][access]") {
  agora_node node;
  auto a = customer(node, "a@example.com");
  auto b = customer(node, "b@example.com");
  auto body = order_body(5, 1).dump();
  auto post = [&](const std::string& token) {
    std::vector<std::string> headers{"Content-Type: application/json", "Idempotency-Key: k-1"};
    if (!token.empty())
      headers.push_back(bearer(token));
    return json_of(http("POST", node.url("/orders"), body, headers));
  };
  auto by_a = post(a);
  auto by_b = post(b);
  auto by_guest = post("");
  CHECK(by_a["id"] != by_b["id"]);
  CHECK(by_a["id"] != by_guest["id"]);
  CHECK(post(a)["id"] == by_a["id"]); // a replay is still a replay for its own caller
  auto again = post("");
  CHECK(again["id"] == by_guest["id"]);
  CHECK(again["access_token"] == by_guest["access_token"]); // the guest's token, answered again
  CHECK(sql_value(node.db, "SELECT count(*) FROM orders") == "3");
}

TEST_CASE("rate limits: a burst over the bucket gets 429 with Retry-After, others go on",
          "[e2e][access][limits]") {
  agora_node node{{"--rate-orders=3/min:3", "--rate-logins=4/min:4", "--rate-requests=20/min:20"}};
  auto from = [&](const std::string& source, const std::string& method, const std::string& path,
                  const json& body = nullptr, std::vector<std::string> headers = {}) {
    headers.push_back(source_header + source);
    if (!body.is_null())
      headers.push_back("Content-Type: application/json");
    return http(method, node.url(path), body.is_null() ? "" : body.dump(), headers);
  };
  // Orders: three from one address, then 429 with the time to wait; another address goes on.
  for (int i = 0; i < 3; ++i)
    CHECK(from("127.0.0.1", "POST", "/orders", order_body(3, 1)).status == 202);
  auto over = from("127.0.0.1", "POST", "/orders", order_body(3, 1));
  CHECK(over.status == 429);
  CHECK(std::stoi(over.header("retry-after")) >= 1);
  CHECK(json_of(over)["status"] == 429);
  CHECK(from("127.0.0.2", "POST", "/orders", order_body(3, 1)).status == 202);
  CHECK(sql_value(node.db, "SELECT count(*) FROM orders") == "4");

  // A login brute force: after 4 failures the address gets 429 even with the right password,
  // while another address signs in.
  REQUIRE(from("127.0.0.3", "POST", "/customers",
               {{"email", "victim@example.com"}, {"password", "correct horse battery"}})
            .status
          == 201);
  int refused = 0, limited = 0;
  for (int i = 0; i < 8; ++i) {
    auto r = from("127.0.0.4", "POST", "/sessions",
                  {{"email", "victim@example.com"}, {"password", "guess-" + std::to_string(i)}});
    refused += r.status == 401;
    limited += r.status == 429;
  }
  CHECK(refused <= 4);
  CHECK(limited >= 4);
  CHECK(from("127.0.0.4", "POST", "/sessions",
             {{"email", "victim@example.com"}, {"password", "correct horse battery"}})
          .status
        == 429);
  CHECK(from("127.0.0.5", "POST", "/sessions",
             {{"email", "victim@example.com"}, {"password", "correct horse battery"}})
          .status
        == 201);
  // Wrong staff tokens count too: no longer 154,000 quiet 401s.
  int quiet = 0;
  for (int i = 0; i < 10; ++i)
    quiet += from("127.0.0.6", "GET", "/payments", nullptr,
                  {"Authorization: Bearer wrong-token-" + std::to_string(i)})
               .status
             == 401;
  CHECK(quiet <= 4);
  // Reads: 20 a minute from one address; health and metrics are never limited.
  int ok = 0;
  for (int i = 0; i < 25; ++i)
    ok += from("127.0.0.7", "GET", "/products/1").status == 200;
  CHECK(ok == 20);
  CHECK(from("127.0.0.7", "GET", "/healthz").status == 200);
  CHECK(metric(node, R"(agora_http_rejected_total{reason="rate_limited"})") >= 15);
}

TEST_CASE("/metrics answers allowed addresses, and staff tokens from anywhere",
          "[e2e][access][metrics]") {
  agora_node node{{"--metrics-allow=127.0.0.1"}};
  auto from = [&](const std::string& source, const std::string& token = {}) {
    std::vector<std::string> headers{source_header + source};
    if (!token.empty())
      headers.push_back(bearer(token));
    return http("GET", node.url("/metrics"), {}, headers).status;
  };
  CHECK(from("127.0.0.1") == 200);
  CHECK(from("127.0.0.2") == 401);
  CHECK(from("127.0.0.2", operator_token) == 200);
  auto session = customer(node, "metrics@example.com");
  CHECK(from("127.0.0.2", session) == 403);
  CHECK(from("127.0.0.2", "wrong-token-0000000000") == 401);
}

TEST_CASE("a cached session signs out at once and is refused after", "[e2e][access]") {
  agora_node node; // the default session cache: a request with a session is a memory hit
  auto token = customer(node, "cached@example.com");
  CHECK(as(node, token, "GET", "/customers/me").status == 200); // cached now
  auto started = std::chrono::steady_clock::now();
  CHECK(as(node, token, "DELETE", "/sessions/current").status == 204);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds{5}); // no self-deadlock
  CHECK(as(node, token, "GET", "/customers/me").status == 401);
  CHECK(as(node, token, "DELETE", "/sessions/current").status == 401);
}
