#include "tests/support/agora_node.hpp"
#include "tests/support/pg.hpp"
#include "tests/support/wait.hpp"

#include <catch2/catch.hpp>

#include <csignal>

using namespace agora::test;
using nlohmann::json;

TEST_CASE("a fresh installation serves the sample catalog, paged and searchable",
          "[e2e][catalog]") {
  agora_node node;
  auto page = json_of(node.get("/products?limit=20&offset=10"));
  CHECK(page["total"].get<int>() >= 50);
  CHECK(page["limit"] == 20);
  CHECK(page["offset"] == 10);
  REQUIRE(page["items"].size() == 20);
  CHECK(page["items"][0]["id"] == 11);
  for (auto& p : page["items"]) {
    CHECK(p["price_cents"].get<int64_t>() > 0);
    CHECK(p["currency"] == "USD");
    CHECK(p["available"].get<int>() > 0);
  }
  auto found = json_of(node.get("/products?q=BEANS"));
  CHECK(found["total"] == 3);
  CHECK(json_of(node.get("/products?q=cof-00"))["total"].get<int>() >= 5); // sku match
  CHECK(json_of(node.get("/products?q=no-such-thing"))["items"].empty());
  auto one = json_of(node.get("/products/3"));
  CHECK(one["sku"] == "COF-003");
  CHECK(one["available"] == 60);
}

TEST_CASE("bad catalog requests get the contract's problems", "[e2e][catalog]") {
  agora_node node;
  CHECK(node.get("/products/999999").status == 404);
  CHECK(node.get("/products/abc").status == 404);
  CHECK(node.get("/products/-1").status == 404);
  CHECK(node.get("/products?limit=0").status == 400);
  CHECK(node.get("/products?limit=501").status == 400);
  CHECK(node.get("/products?offset=-1").status == 400);
  CHECK(json_of(node.get("/products?limit=x"))["errors"][0]["field"] == "limit");
}

TEST_CASE("an admin creates and replaces products, duplicates conflict", "[e2e][catalog]") {
  agora_node node;
  json mug{{"sku", "MUG-42"},     {"name", "Stoneware mug"},  {"price_cents", 1800},
           {"initial_stock", 12}, {"low_stock_threshold", 2}, {"unknown_field", "ignored"}};
  CHECK(node.send("POST", "/products", mug).status == 401);
  auto created = node.send("POST", "/products", mug, true);
  REQUIRE(created.status == 201);
  auto p = json_of(created);
  CHECK(created.header("location") == "/products/" + std::to_string(p["id"].get<int64_t>()));
  CHECK(p["available"] == 12);
  CHECK(json_of(node.get("/inventory/" + std::to_string(p["id"].get<int64_t>())))["on_hand"] == 12);
  CHECK(node.send("POST", "/products", mug, true).status == 409);
  auto bad = node.send("POST", "/products", {{"sku", "bad sku"}, {"price_cents", -5}}, true);
  REQUIRE(bad.status == 400);
  CHECK(json_of(bad)["errors"].size() >= 3); // sku, name, price_cents
  auto path = "/products/" + std::to_string(p["id"].get<int64_t>());
  auto replaced = node.send("PUT", path, {{"name", "Big mug"}, {"price_cents", 2100}}, true);
  REQUIRE(replaced.status == 200);
  CHECK(json_of(replaced)["name"] == "Big mug");
  CHECK(json_of(node.get(path))["price_cents"] == 2100);
  CHECK(node.send("PUT", "/products/999999", {{"name", "x"}, {"price_cents", 1}}, true).status
        == 404);
  CHECK(json_of(node.get("/products?q=MUG-42"))["total"] == 1);
}

TEST_CASE("inventory levels change through restock and set, never below reserved",
          "[e2e][inventory]") {
  agora_node node;
  auto levels = json_of(node.get("/inventory/1"));
  CHECK(levels["product_id"] == 1);
  CHECK(levels["available"] == levels["on_hand"].get<int>() - levels["reserved"].get<int>());
  auto restocked = node.send("POST", "/inventory/1/restock", {{"quantity", 10}}, true);
  REQUIRE(restocked.status == 200);
  CHECK(json_of(restocked)["on_hand"] == levels["on_hand"].get<int>() + 10);
  CHECK(node.send("POST", "/inventory/1/restock", {{"quantity", 0}}, true).status == 400);
  CHECK(node.send("POST", "/inventory/1/restock", {{"quantity", "5"}}, true).status == 400);
  CHECK(node.send("POST", "/inventory/999999/restock", {{"quantity", 1}}, true).status == 404);
  auto set = node.send("PUT", "/inventory/1", {{"on_hand", 7}, {"low_stock_threshold", 1}}, true);
  REQUIRE(set.status == 200);
  CHECK(json_of(set)["on_hand"] == 7);
  CHECK(json_of(set)["low_stock_threshold"] == 1);
  CHECK(node.send("PUT", "/inventory/1", json::object(), true).status == 400);
  CHECK(node.send("PUT", "/inventory/1", {{"on_hand", -1}}, true).status == 400);
  // The levels survive a restart: they were committed before the answer.
  node.process->signal(SIGTERM);
  REQUIRE(node.process->wait_exit() == 0);
  agora_node again{{}, node.db};
  CHECK(json_of(again.get("/inventory/1"))["on_hand"] == 7);
}

TEST_CASE("stock levels are 64-bit up to their documented bound, never wrapped",
          "[e2e][inventory]") {
  agora_node node;
  const int64_t max_units = 1'000'000'000'000;
  // Past 32 bits: at int32, 2,147 restocks of 1,000,000 wrapped on_hand negative.
  auto set = node.send("PUT", "/inventory/2", {{"on_hand", max_units - 1'500'000}}, true);
  REQUIRE(set.status == 200);
  auto restocked = node.send("POST", "/inventory/2/restock", {{"quantity", 1'000'000}}, true);
  REQUIRE(restocked.status == 200);
  CHECK(json_of(restocked)["on_hand"] == max_units - 500'000);
  auto over = node.send("POST", "/inventory/2/restock", {{"quantity", 1'000'000}}, true);
  CHECK(over.status == 409);
  CHECK(json_of(over)["detail"] == "on_hand would exceed 1000000000000");
  CHECK(node.send("PUT", "/inventory/2", {{"on_hand", max_units + 1}}, true).status == 400);
  CHECK(node.send("PUT", "/inventory/2", {{"on_hand", 9223372036854775807LL}}, true).status == 400);
  auto levels = json_of(node.get("/inventory/2"));
  CHECK(levels["on_hand"] == max_units - 500'000);
  CHECK(levels["available"].get<int64_t>() > 2'147'483'647);
  CHECK(json_of(node.get("/products/2"))["available"].get<int64_t>() > 2'147'483'647);
}

TEST_CASE("falling to the threshold sends one low-stock alert until a restock",
          "[e2e][inventory]") {
  agora_node node;
  auto alerts = [&] {
    return sql_value(node.db, "SELECT count(*) FROM notifications WHERE type = "
                              "'LOW_INVENTORY_ALERT' AND product_id = 5 AND recipient = "
                              "'ops@example.com'");
  };
  CHECK(alerts() == "0");
  REQUIRE(
    node.send("PUT", "/inventory/5", {{"low_stock_threshold", 10}, {"on_hand", 10}}, true).status
    == 200);
  CHECK(alerts() == "1");
  REQUIRE(node.send("PUT", "/inventory/5", {{"on_hand", 9}}, true).status == 200);
  CHECK(alerts() == "1"); // still low: no second mail
  REQUIRE(node.send("POST", "/inventory/5/restock", {{"quantity", 50}}, true).status == 200);
  REQUIRE(node.send("PUT", "/inventory/5", {{"on_hand", 3}}, true).status == 200);
  CHECK(alerts() == "2");
  // The shards count what they did: two alerts, four level changes, and the units they hold.
  auto text = node.get("/metrics").body;
  CHECK(metric_in(text, "agora_inventory_low_stock_alerts_total") == 2);
  CHECK(metric_in(text, R"(agora_inventory_stock_changes_total{kind="set_levels"})") == 3);
  CHECK(metric_in(text, R"(agora_inventory_stock_changes_total{kind="restock"})") == 1);
  auto total = sql_value(node.db, "SELECT sum(on_hand) FROM stock");
  CHECK(metric_in(text, R"(agora_inventory_units{state="on_hand"})") == std::stod(total));
  CHECK(sql_value(node.db, "SELECT subject FROM notifications WHERE product_id = 5 LIMIT 1")
          .find("Low stock")
        == 0);
}
