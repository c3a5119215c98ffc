// The operations endpoints behind the console and agoractl, against a real node: the live
// actors, one actor's detail, an order's replay, and the outbox with a staff retry.
#include "runtime/base/random.hpp"
#include "tests/support/agora_node.hpp"
#include "tests/support/orders.hpp"
#include "tests/support/pg.hpp"
#include "tests/support/smtp_sink.hpp"
#include "tests/support/wait.hpp"

#include <catch2/catch.hpp>

using namespace agora::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

http_response as(const agora_node& node, const char* token, const std::string& method,
                 const std::string& path) {
  return http(method, node.url(path), {}, {std::string{"Authorization: Bearer "} + token});
}

} // namespace

TEST_CASE("an order's replay agrees with its projection and its actor shows its journal",
          "[e2e][admin]") {
  agora_node node{{"--shipping-step-seconds=0"}};
  auto placed = place_order(node, order_body(2, 1));
  REQUIRE(placed.status == 202);
  auto id = json_of(placed)["id"].get<std::string>();
  await_status(node, id, "PAID");
  // Its last event before the carrier (off here) moves: the shipment asked for. Until it is in
  // the journal, the journal may grow between the reads below. (The order's view shows the
  // shipment's row as soon as it is written, which is before the order journals it.)
  REQUIRE(wait_until(
    [&] {
      auto events = json_of(node.get("/admin/orders/" + id + "/replay"))["events"];
      return !events.empty() && events.back()["event"]["type"] == "SHIPMENT_CREATED";
    },
    10s));

  auto replay = json_of(node.get("/admin/orders/" + id + "/replay"));
  INFO(replay.dump());
  CHECK(replay["matches"] == true);
  CHECK(replay["differences"].empty());
  REQUIRE(replay["events"].size() >= 3);
  CHECK(replay["events"][0]["event"]["type"] == "ORDER_CREATED");
  CHECK(replay["events"][0]["state_after"]["status"] == "PENDING");
  CHECK(replay["events"].back()["state_after"]["status"] == "PAID");
  // Tampering with the projection is what the replay is there to catch.
  sql_value(node.db, "UPDATE orders SET status = 'SHIPPED' WHERE id = '" + id + "'");
  auto tampered = json_of(node.get("/admin/orders/" + id + "/replay"));
  CHECK(tampered["matches"] == false);
  REQUIRE(tampered["differences"].size() == 1);
  CHECK(tampered["differences"][0]["field"] == "status");
  CHECK(tampered["differences"][0]["replayed"] == "PAID");
  sql_value(node.db, "UPDATE orders SET status = 'PAID' WHERE id = '" + id + "'");

  // The order's actor is live (a paid order waits for its shipment) and says what state it is in.
  auto found = json_of(node.get("/admin/actors?type=order&q=" + id));
  REQUIRE(found["total"] == 1);
  auto actor = found["items"][0];
  CHECK(actor["key"] == id);
  CHECK(actor["state"] == "PAID");
  CHECK(actor["messages"].get<int>() >= 1);
  CHECK(found["nodes"] == json::array({actor["node"]}));
  CHECK(found["missing"].empty());
  auto detail = json_of(node.get("/admin/actors/" + actor["id"].get<std::string>()));
  CHECK(detail["type"] == "order");
  CHECK(detail["recording"] == true);
  REQUIRE(detail["journal"].is_array());
  CHECK(detail["journal"].size() == replay["events"].size());

  // A long-lived actor being watched records the messages it handles.
  auto router = json_of(node.get("/admin/actors?type=order.router"))["items"][0]["id"];
  auto path = "/admin/actors/" + router.get<std::string>();
  CHECK(json_of(node.get(path))["recording"] == true);
  REQUIRE(place_order(node, order_body(3, 1)).status == 202);
  CHECK(wait_until([&] {
    return !json_of(node.get(path))["recent"].empty();
  }));
  auto recent = json_of(node.get(path))["recent"];
  CHECK(recent[0]["kind"].is_string());
  CHECK(recent[0]["at"].is_string());

  // Sorted by mailbox, paged, filtered; bad input is a 400 and unknown actors a 404.
  auto all = json_of(node.get("/admin/actors?limit=500"));
  CHECK(all["total"].get<int>() > 10);
  bool has_order_count = false;
  for (auto& c : all["counts"])
    has_order_count = has_order_count || (c["type"] == "order" && c["count"].get<int>() >= 1);
  CHECK(has_order_count);
  auto busiest = json_of(node.get("/admin/actors?sort=mailbox&limit=2&offset=1"));
  CHECK(busiest["items"].size() == 2);
  CHECK(busiest["offset"] == 1);
  CHECK(node.get("/admin/actors?sort=name").status == 400);
  CHECK(node.get("/admin/actors?limit=0").status == 400);
  CHECK(node.get("/admin/actors/123").status == 404);
  CHECK(node.get("/admin/actors/999999999@" + actor["node"].get<std::string>()).status == 404);
  CHECK(node.get("/admin/actors/1@no-such-node").status == 404);
  // Path parameters are decoded ("%40" is "@") unless what they decode to is no id at all.
  auto escaped = actor["id"].get<std::string>();
  escaped.replace(escaped.find('@'), 1, "%40");
  CHECK(node.get("/admin/actors/" + escaped).status == 200);
  CHECK(node.get("/admin/actors/1%00@x").status == 404);
  CHECK(node.get("/tracking/%00").status == 404);
  CHECK(node.get("/orders/%C3%28").status / 100 == 4); // not UTF-8: refused, never a 500
  CHECK(node.get("/admin/orders/ord_nope/replay").status == 404);
  CHECK(node.get("/admin/orders/ord_00000000000000000000000000/replay").status == 404);
  CHECK(http("GET", node.url("/admin/actors")).status == 401);
}

TEST_CASE("a failed mail is retried by an admin, not an operator, and only when FAILED",
          "[e2e][admin][mail]") {
  smtp_sink_options rejecting;
  rejecting.reject = {"bounce@example.com"};
  smtp_sink sink{rejecting};
  agora_node node{{"--smtp-url=" + sink.url(), "--mail-poll-ms=50", "--smtp-max-attempts=1",
                   "--shipping-step-seconds=0"}};
  REQUIRE(place_order(node, order_body(1, 1, "4242424242424242", "bounce@example.com")).status
          == 202);
  REQUIRE(place_order(node, order_body(2, 1, "4242424242424242", "fine@example.com")).status
          == 202);
  json failed, sent;
  REQUIRE(wait_until(
    [&] {
      failed = json_of(node.get("/admin/notifications?status=FAILED"));
      sent = json_of(node.get("/admin/notifications?status=SENT"));
      return failed["total"] == 2 && sent["total"] == 2;
    },
    30s));
  auto mail = failed["items"][0];
  CHECK(mail["to"] == "bounce@example.com");
  CHECK(mail["attempts"] == 1);
  CHECK(mail["last_error"].get<std::string>().find("550") != std::string::npos);
  CHECK(mail["next_attempt_at"].is_null());
  CHECK(mail["last_attempt_at"].is_string());
  auto id = mail["id"].get<std::string>();
  auto retry = "/admin/notifications/" + id + "/retry";

  CHECK(as(node, operator_token, "POST", retry).status == 403);
  CHECK(http("POST", node.url(retry)).status == 401);
  auto queued = as(node, admin_token, "POST", retry);
  REQUIRE(queued.status == 200);
  CHECK(json_of(queued)["status"] == "QUEUED");
  CHECK(json_of(queued)["attempts"] == 0);
  CHECK(json_of(queued)["next_attempt_at"].is_string());
  // The dispatcher takes it again: the server still refuses, so it fails after one attempt.
  CHECK(wait_until(
    [&] {
      auto now = json_of(node.get("/admin/notifications?status=FAILED"));
      for (auto& m : now["items"])
        if (m["id"] == id)
          return m["attempts"] == 1 && m["last_attempt_at"] != mail["last_attempt_at"];
      return false;
    },
    30s));
  auto sent_id = sent["items"][0]["id"].get<std::string>();
  CHECK(as(node, admin_token, "POST", "/admin/notifications/" + sent_id + "/retry").status == 409);
  CHECK(as(node, admin_token, "POST", "/admin/notifications/ntf_00000000000000000000000000/retry")
          .status
        == 404);
  CHECK(as(node, admin_token, "POST", "/admin/notifications/x/retry").status == 404);
  CHECK(node.get("/admin/notifications?status=LOST").status == 400);
  CHECK(sink.messages().size() == 2); // only fine@ got mail
}
