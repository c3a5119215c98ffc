#include "tests/support/agora_node.hpp"
#include "tests/support/orders.hpp"
#include "tests/support/pg.hpp"
#include "tests/support/wait.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <thread>

using namespace agora::test;
using namespace std::chrono_literals;
using nlohmann::json;

TEST_CASE("an order runs from PENDING to DELIVERED and is journaled at every step",
          "[e2e][orders]") {
  agora_node node{{"--shipping-step-seconds=1"}};
  REQUIRE(stock(node, 3) == "60/0");
  auto created = place_order(node, order_body(3, 2));
  REQUIRE(created.status == 202);
  auto o = json_of(created);
  CHECK(o["status"] == "PENDING");
  CHECK(created.header("location") == "/orders/" + o["id"].get<std::string>());
  CHECK(o["total_cents"] == 2 * 2190); // the catalog's price, not the client's
  CHECK(o["items"][0]["unit_price_cents"] == 2190);
  auto id = o["id"].get<std::string>();
  auto done = await_status(node, id, "DELIVERED");
  CHECK(done["payment"]["status"] == "CAPTURED");
  CHECK(done["payment"]["amount_cents"] == 4380);
  CHECK(done["shipment"]["status"] == "DELIVERED");
  CHECK(done["shipment"]["tracking_number"].get<std::string>().size() > 5);
  CHECK(event_types(node, id)
        == std::vector<std::string>{"ORDER_CREATED", "STOCK_RESERVED", "PAYMENT_CAPTURED",
                                    "SHIPMENT_CREATED", "ORDER_SHIPPED", "STOCK_COMMITTED",
                                    "ORDER_DELIVERED"});
  CHECK(wait_until([&] {
    return stock(node, 3) == "58/0";
  }));
  // The stock commit's event rode with the delivery: one append (one transaction) for both.
  CHECK(sql_value(node.db, "SELECT count(DISTINCT xmin::text) FROM order_events WHERE order_id = '"
                             + id + "' AND type IN ('STOCK_COMMITTED', 'ORDER_DELIVERED')")
        == "1");
  auto shipment = json_of(node.get("/shipments/" + done["shipment"]["id"].get<std::string>()));
  std::vector<std::string> timeline;
  for (auto& e : shipment["events"])
    timeline.push_back(e["status"]);
  CHECK(
    timeline
    == std::vector<std::string>{"LABEL_CREATED", "IN_TRANSIT", "OUT_FOR_DELIVERY", "DELIVERED"});
  // Tracking is public: the status and the scans, no ids, no address, no email.
  auto tracking = json_of(
    http("GET", node.url("/tracking/" + done["shipment"]["tracking_number"].get<std::string>())));
  CHECK(tracking["status"] == "DELIVERED");
  CHECK(tracking["events"] == shipment["events"]);
  CHECK(tracking.count("order_id") == 0);
  CHECK(tracking.count("id") == 0);
  std::set<std::string> mails;
  auto notifications = json_of(node.get("/notifications?order_id=" + id));
  for (auto& n : notifications["items"])
    mails.insert(n["type"]);
  CHECK(mails
        == std::set<std::string>{"ORDER_CREATED", "PAYMENT_STATUS_CHANGED", "SHIPMENT_DELIVERED"});
  CHECK(sql_value(node.db, "SELECT settled FROM orders WHERE id = '" + id + "'") == "t");
}

TEST_CASE("an order for more than the stock is REJECTED and holds nothing", "[e2e][orders]") {
  agora_node node;
  auto r = place_order(node, order_body(4, 999), 10);
  REQUIRE(r.status == 201);
  CHECK(r.header("preference-applied") == "wait=10");
  auto o = json_of(r);
  CHECK(o["status"] == "REJECTED");
  CHECK(o["reason"] == "OUT_OF_STOCK");
  CHECK(o["payment"].is_null());
  CHECK(json_of(node.get("/inventory/4"))["reserved"] == 0);
}

TEST_CASE("declined cards cancel the order and release its stock", "[e2e][orders]") {
  agora_node node;
  for (auto card : {"4000000000000002", "4000000000009995"}) {
    auto before = stock(node, 7);
    auto r = place_order(node, order_body(7, 1, card), 10);
    REQUIRE(r.status == 201);
    auto o = json_of(r);
    CHECK(o["status"] == "CANCELLED");
    CHECK(o["reason"] == "PAYMENT_DECLINED");
    CHECK(o["payment"]["status"] == "DECLINED");
    auto id = o["id"].get<std::string>();
    CHECK(wait_until([&] {
      return stock(node, 7) == before;
    }));
    CHECK(wait_until([&] {
      return sql_value(node.db, "SELECT settled FROM orders WHERE id = '" + id + "'") == "t";
    }));
  }
  auto events = json_of(node.get("/orders?status=CANCELLED"));
  CHECK(events["total"] == 2);
}

TEST_CASE("a customer cancel refunds the payment, releases stock, cancels the shipment",
          "[e2e][orders]") {
  agora_node node{{"--shipping-step-seconds=0"}};
  auto r = place_order(node, order_body(8, 3), 10);
  auto o = json_of(r);
  REQUIRE(o["status"] == "PAID");
  auto id = o["id"].get<std::string>();
  REQUIRE(wait_until([&] {
    return !order(node, id)["shipment"].is_null();
  }));
  auto cancelled = cancel_order(node, id);
  REQUIRE(cancelled.status == 200);
  CHECK(json_of(cancelled)["status"] == "CANCELLED");
  CHECK(json_of(cancelled)["reason"] == "CUSTOMER_REQUEST");
  REQUIRE(wait_until([&] {
    auto now = order(node, id);
    return now["payment"]["status"] == "REFUNDED" && now["shipment"]["status"] == "CANCELLED";
  }));
  auto payment =
    json_of(node.get("/payments/" + order(node, id)["payment"]["id"].get<std::string>()));
  CHECK(payment["refunded_cents"] == payment["amount_cents"]);
  // The release is a compensation of its own, written by the effects writer (which may linger).
  CHECK(wait_until([&] {
    return json_of(node.get("/inventory/8"))["reserved"] == 0;
  }));
  CHECK(cancel_order(node, id).status == 409);
}

TEST_CASE("a shipped order can no longer be cancelled", "[e2e][orders]") {
  agora_node node{{"--shipping-step-seconds=0", "--order-idle-seconds=1"}};
  auto o = json_of(place_order(node, order_body(9, 1), 10));
  auto id = o["id"].get<std::string>();
  REQUIRE(wait_until([&] {
    return !order(node, id)["shipment"].is_null();
  }));
  auto shipment = order(node, id)["shipment"]["id"].get<std::string>();
  auto advanced = node.send("POST", "/shipments/" + shipment + "/advance", json::object(), true);
  REQUIRE(advanced.status == 200);
  CHECK(json_of(advanced)["status"] == "IN_TRANSIT");
  await_status(node, id, "SHIPPED");
  auto refused = cancel_order(node, id);
  CHECK(refused.status == 409);
  CHECK(json_of(refused)["detail"] == "the order has shipped");
  // The stock commit waits to ride with the next append; with none coming, the order's tick
  // journals it (idle time 1 s here) and the stock has left the shelf.
  CHECK(wait_until([&] {
    auto types = event_types(node, id);
    return std::find(types.begin(), types.end(), "STOCK_COMMITTED") != types.end();
  }));
  CHECK(stock(node, 9) == "249/0");
  for (int i = 0; i < 2; ++i)
    node.send("POST", "/shipments/" + shipment + "/advance", json::object(), true);
  await_status(node, id, "DELIVERED");
  CHECK(node.send("POST", "/shipments/" + shipment + "/advance", json::object(), true).status
        == 409);
}

TEST_CASE("a cancel that loses the race with the carrier's pickup is a 409 and refunds nothing",
          "[e2e][orders]") {
  // The carrier scanned the parcel, and its news has not reached the order yet (written here
  // behind the node's back): the order still says PAID. The cancel must not refund an order
  // whose goods are on their way (found by a chaos run: CANCELLED, REFUNDED and DELIVERED).
  agora_node node{{"--shipping-step-seconds=0"}};
  auto id = paid_order(node, 10, 2);
  REQUIRE(wait_until([&] {
    return !order(node, id)["shipment"].is_null();
  }));
  sql_value(node.db, "UPDATE shipments SET status = 'IN_TRANSIT', in_transit_at = now(), "
                     "updated_at = now() WHERE order_id = '"
                       + id + "'");
  auto refused = cancel_order(node, id);
  CHECK(refused.status == 409);
  CHECK(json_of(refused)["detail"] == "the order has shipped");
  auto now = order(node, id);
  CHECK(now["status"] == "PAID");
  CHECK(now["payment"]["status"] == "CAPTURED");
  CHECK(json_of(node.get("/inventory/10"))["reserved"] == 2);
  CHECK(sql_value(node.db, "SELECT count(*) FROM order_events WHERE order_id = '" + id
                             + "' AND type IN ('ORDER_CANCELLED', 'PAYMENT_REFUNDED', "
                               "'STOCK_RELEASED', 'SHIPMENT_CANCELLED')")
        == "0");
  // The next scan's news reaches the order, which ships and then delivers as usual.
  auto shipment = now["shipment"]["id"].get<std::string>();
  for (int i = 0; i < 2; ++i)
    REQUIRE(node.send("POST", "/shipments/" + shipment + "/advance", json::object(), true).status
            == 200);
  await_status(node, id, "DELIVERED");
  CHECK(order(node, id)["payment"]["status"] == "CAPTURED");
  // An order cancelled before it had a shipment gets a stand-in, as shipping writes it (created
  // and ended by one statement): its timeline says CANCELLED and nothing of a label.
  sql_value(
    node.db,
    "INSERT INTO shipments (id, order_id, status, tracking_number, carrier, "
    "ended_at) VALUES ('shp_00000000000000000000000000', 'ord_gone', 'CANCELLED', 'VOID01', "
    "'NONE', now())");
  auto stand_in = json_of(node.get("/shipments/shp_00000000000000000000000000"));
  REQUIRE(stand_in["events"].size() == 1);
  CHECK(stand_in["events"][0]["status"] == "CANCELLED");
}

TEST_CASE("concurrent cancels of a paid order: one cancels, the rest are refused, one journal",
          "[e2e][orders]") {
  // A paid order's cancel waits for shipping before it decides; the cancels behind it must wait
  // too, or two of them decide on the same state and append the same sequence numbers.
  agora_node node{{"--shipping-step-seconds=0"}};
  auto id = paid_order(node, 11, 1);
  // Another session holds the order's projection row for a moment, so the first cancel's append
  // waits while the other cancels' answers from shipping arrive.
  lock_holder holder{node.db, "SELECT 1 FROM orders WHERE id = '" + id + "' FOR UPDATE", 2};
  std::vector<int> statuses(8);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < statuses.size(); ++i)
    threads.emplace_back([&, i] {
      statuses[i] = cancel_order(node, id).status;
    });
  for (auto& t : threads)
    t.join();
  holder.release();
  CHECK(std::count(statuses.begin(), statuses.end(), 200) == 1);
  CHECK(std::count(statuses.begin(), statuses.end(), 409) == 7);
  REQUIRE(wait_until([&] {
    return sql_value(node.db, "SELECT settled FROM orders WHERE id = '" + id + "'") == "t";
  }));
  CHECK(sql_value(node.db, "SELECT count(*) FROM order_events WHERE order_id = '" + id
                             + "' AND type = 'ORDER_CANCELLED'")
        == "1");
  CHECK(
    sql_value(node.db, "SELECT max(seq) = count(*) FROM order_events WHERE order_id = '" + id + "'")
    == "t"); // gap-free
  CHECK(order(node, id)["payment"]["status"] == "REFUNDED");
}

TEST_CASE("an idempotent retry returns the same order, another body with the key is a 422",
          "[e2e][orders]") {
  agora_node node;
  auto first = place_order(node, order_body(10, 1), 0, {"Idempotency-Key: retry-1"});
  REQUIRE(first.status == 202);
  auto again = place_order(node, order_body(10, 1), 0, {"Idempotency-Key: retry-1"});
  REQUIRE(again.status == 200);
  CHECK(json_of(again)["id"] == json_of(first)["id"]);
  auto other = place_order(node, order_body(10, 2), 0, {"Idempotency-Key: retry-1"});
  CHECK(other.status == 422);
  CHECK(sql_value(node.db, "SELECT count(*) FROM orders") == "1");
  CHECK(
    place_order(node, order_body(10, 1), 0, {"Idempotency-Key: " + std::string(129, 'k')}).status
    == 400);
}

TEST_CASE("bad orders are refused with field errors and change nothing", "[e2e][orders]") {
  agora_node node;
  auto bad = order_body(3, 0, "4242424242424241", "nope");
  bad["shipping_address"]["city"] = "";
  auto r = place_order(node, bad);
  REQUIRE(r.status == 400);
  std::set<std::string> fields;
  auto problem = json_of(r);
  for (auto& e : problem["errors"])
    fields.insert(e["field"]);
  CHECK(fields
        == std::set<std::string>{"customer_email", "items[0].quantity", "payment.card_number",
                                 "shipping_address.city"});
  auto unknown = place_order(node, order_body(999999, 1));
  REQUIRE(unknown.status == 400);
  CHECK(json_of(unknown)["errors"][0]["field"] == "items[0].product_id");
  auto typed = order_body(3, 1);
  typed["items"][0]["quantity"] = "2";
  CHECK(place_order(node, typed).status == 400);
  CHECK(place_order(node, json::array()).status == 400);
  CHECK(
    http("POST", node.url("/orders"), "{\"customer_email\":", {"Content-Type: application/json"})
      .status
    == 400);
  CHECK(sql_value(node.db, "SELECT count(*) FROM orders") == "0");
  CHECK(node.get("/orders/ord_00000000000000000000000000").status == 404);
  CHECK(node.get("/orders/../../etc").status == 404);
  CHECK(
    node.send("POST", "/orders/ord_00000000000000000000000000/cancel", json::object(), true).status
    == 404);
  CHECK(node.get("/orders?status=LOST").status == 400);
  CHECK(node.get("/payments/pay_x").status == 404);
  CHECK(node.get("/notifications?type=SPAM").status == 400);
}

TEST_CASE("control characters and out-of-range numbers are 400s naming the field",
          "[e2e][orders][input]") {
  agora_node node;
  auto field_of = [](const http_response& r) {
    auto p = json_of(r);
    return p["errors"].empty() ? std::string{} : p["errors"][0]["field"].get<std::string>();
  };
  // A NUL was a 500 ("text with a NUL byte") in an order, and silently cut in a product name.
  auto nul = order_body(3, 1);
  nul["shipping_address"]["line1"] = std::string{"1 Main\0St", 9};
  auto r = place_order(node, nul);
  CHECK(r.status == 400);
  CHECK(field_of(r) == "shipping_address.line1");
  auto bell = order_body(3, 1);
  bell["shipping_address"]["name"] = "Ann\x07";
  CHECK(field_of(place_order(node, bell)) == "shipping_address.name");
  json mug{{"sku", "NUL-1"}, {"name", std::string{"Mug\0evil", 8}}, {"price_cents", 100}};
  auto product = node.send("POST", "/products", mug, true);
  CHECK(product.status == 400);
  CHECK(field_of(product) == "name");
  mug["name"] = "Mug";
  mug["description"] = "two\nlines\tand a tab";
  CHECK(node.send("POST", "/products", mug, true).status == 201); // prose keeps tab and newline
  mug["sku"] = "NUL-2";
  mug["description"] = "carriage\rreturn";
  CHECK(field_of(node.send("POST", "/products", mug, true)) == "description");
  auto query = node.get("/orders?customer_email=ann%00@example.com");
  CHECK(query.status == 400);
  CHECK(field_of(query) == "customer_email");
  CHECK(node.get("/products?q=%01").status == 400);
  CHECK(node.get("/orders/ord_%00x").status == 404);
  auto key = place_order(node, order_body(3, 1), 0, {"Idempotency-Key: a\tb"});
  CHECK(key.status == 400);
  // 2^63 is no integer the door can hold: it still says what the range is.
  auto huge = order_body(3, 1);
  huge["items"][0]["quantity"] = 9223372036854775808ULL;
  auto h = place_order(node, huge);
  REQUIRE(h.status == 400);
  CHECK(field_of(h) == "items[0].quantity");
  CHECK(json_of(h)["errors"][0]["message"] == "must be 1..1000");
  CHECK(sql_value(node.db, "SELECT count(*) FROM orders") == "0");
  CHECK(sql_value(node.db, "SELECT count(*) FROM products WHERE sku LIKE 'NUL-%'") == "1");
}

TEST_CASE("orders list newest first, filtered by customer and status", "[e2e][orders]") {
  agora_node node;
  for (int i = 0; i < 3; ++i)
    place_order(node, order_body(11, 1, "4242424242424242", "bob@example.com"), 10);
  place_order(node, order_body(11, 1), 10);
  auto bobs = json_of(node.get("/orders?customer_email=bob@example.com&limit=2"));
  CHECK(bobs["total"] == 3);
  REQUIRE(bobs["items"].size() == 2);
  CHECK(bobs["items"][0]["created_at"] >= bobs["items"][1]["created_at"]);
  CHECK(json_of(node.get("/orders?customer_email=bob@example.com&offset=2"))["items"].size() == 1);
  CHECK(json_of(node.get("/orders?status=DELIVERED"))["total"] == 0);
}

TEST_CASE("an admin refunds part of a payment, then the rest, then nothing", "[e2e][payments]") {
  agora_node node{{"--shipping-step-seconds=0"}};
  auto o = json_of(place_order(node, order_body(12, 1), 10));
  REQUIRE(o["status"] == "PAID");
  auto pay = "/payments/" + o["payment"]["id"].get<std::string>();
  auto total = o["total_cents"].get<int64_t>();
  CHECK(node.send("POST", pay + "/refund", {{"amount_cents", 100}}).status == 401);
  auto part = node.send("POST", pay + "/refund", {{"amount_cents", 100}}, true);
  REQUIRE(part.status == 200);
  CHECK(json_of(part)["status"] == "PARTIALLY_REFUNDED");
  CHECK(node.send("POST", pay + "/refund", {{"amount_cents", total}}, true).status == 409);
  auto rest = node.send("POST", pay + "/refund", json::object(), true);
  REQUIRE(rest.status == 200);
  CHECK(json_of(rest)["status"] == "REFUNDED");
  CHECK(json_of(rest)["refunded_cents"] == total);
  CHECK(node.send("POST", pay + "/refund", json::object(), true).status == 409);
  // Every payment status change mails the customer: the capture, then each staff refund, which
  // the order journals (a delivered order's refund sent none before).
  auto id = o["id"].get<std::string>();
  CHECK(sql_value(node.db, "SELECT count(*) FROM notifications WHERE order_id = '" + id
                             + "' AND type = 'PAYMENT_STATUS_CHANGED'")
        == "3");
  CHECK(sql_value(node.db, "SELECT count(*) FROM order_events WHERE order_id = '" + id
                             + "' AND type = 'PAYMENT_REFUND_ISSUED'")
        == "2");
}

TEST_CASE("orders that drain a product raise one low-stock alert", "[e2e][inventory][orders]") {
  agora_node node;
  REQUIRE(
    node.send("PUT", "/inventory/13", {{"on_hand", 5}, {"low_stock_threshold", 2}}, true).status
    == 200);
  for (int i = 0; i < 4; ++i)
    place_order(node, order_body(13, 1), 10);
  auto alerts = json_of(node.get("/notifications?type=LOW_INVENTORY_ALERT&product_id=13"));
  REQUIRE(alerts["total"] == 1);
  CHECK(alerts["items"][0]["to"] == "ops@example.com");
  CHECK(alerts["items"][0]["order_id"].is_null());
  CHECK(alerts["items"][0]["status"] == "QUEUED");
}

TEST_CASE("a charge that never answers in time cancels the order with TIMEOUT and keeps no money",
          "[e2e][orders][timeout]") {
  // The gateway takes 1.5 s; a step may take 200 ms, three times: the order gives up first.
  agora_node node{{"--payment-latency-ms=1500", "--order-step-timeout-ms=200"}};
  auto before = stock(node, 19);
  auto r = place_order(node, order_body(19, 1), 15);
  REQUIRE(r.status == 201);
  auto o = json_of(r);
  CHECK(o["status"] == "CANCELLED");
  CHECK(o["reason"] == "TIMEOUT");
  auto id = o["id"].get<std::string>();
  // Whichever lands first, the late charge or the void, no money is kept and the stock returns.
  REQUIRE(wait_until(
    [&] {
      return sql_value(node.db, "SELECT settled FROM orders WHERE id = '" + id + "'") == "t";
    },
    20s));
  CHECK(sql_value(node.db, "SELECT status = 'VOIDED' OR (status = 'REFUNDED' AND refunded_cents = "
                           "amount_cents) FROM payments WHERE order_id = '"
                             + id + "'")
        == "t");
  CHECK(stock(node, 19) == before);
}

TEST_CASE("new orders get 503 with Retry-After while the saga backlog is full", "[e2e][orders]") {
  // One order may be in progress; the gateway takes 3 s, so the first stays RESERVED a while.
  agora_node node{{"--orders-max-in-progress=1", "--payment-latency-ms=3000"}};
  auto first = place_order(node, order_body(3, 1));
  REQUIRE(first.status == 202);
  auto refused = place_order(node, order_body(3, 1));
  CHECK(refused.status == 503);
  CHECK(refused.header("retry-after") == "1");
  CHECK(json_of(refused)["detail"] == "too many orders in progress on this node");
  CHECK(sql_value(node.db, "SELECT count(*) FROM orders") == "1"); // nothing of it was kept
  await_status(node, json_of(first)["id"], "PAID");
  // The read model shows PAID once the journal committed; the node frees the slot when the order
  // actor hears of that commit, a moment later (its live gauges move in the same step).
  REQUIRE(node.get("/metrics").body.find(R"(agora_orders_live{status="RESERVED"} )")
          != std::string::npos);
  REQUIRE(wait_until([&] {
    return metric(node, R"(agora_orders_live{status="PENDING"})")
             + metric(node, R"(agora_orders_live{status="RESERVED"})")
           == 0;
  }));
  CHECK(place_order(node, order_body(3, 1)).status == 202); // room again
}
