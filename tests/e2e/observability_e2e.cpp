// Observability and API docs, proved with the real tools: promtool, a Prometheus server, the
// Grafana dashboard's own queries, and headless Chromium on /docs.
#include "runtime/base/random.hpp"
#include "tests/support/agora_node.hpp"
#include "tests/support/orders.hpp"
#include "tests/support/smtp_sink.hpp"
#include "tests/support/wait.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

using namespace agora::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

/// A node that has done real work: orders to delivery and declined, mail to the shared sink,
/// client errors; so that the labelled series exist.
std::unique_ptr<agora_node> busy_node() {
  auto node = std::make_unique<agora_node>(std::vector<std::string>{
    "--smtp-url=" + shared_smtp_url(), "--mail-poll-ms=50", "--shipping-step-seconds=1"});
  auto placed = place_order(*node, order_body(3, 1));
  REQUIRE(placed.status == 202);
  place_order(*node, order_body(3, 1, "4000000000000002"), 10);
  CHECK(node->get("/orders/ord_nonexistent").status == 404);
  CHECK(place_order(*node, json::object()).status == 400);
  await_status(*node, json_of(placed)["id"], "DELIVERED");
  REQUIRE(wait_until([&] {
    return node->get("/metrics").body.find("\nagora_mail_sent_total ") != std::string::npos;
  }));
  return node;
}

} // namespace

TEST_CASE("/metrics passes promtool check metrics after real traffic", "[e2e][metrics]") {
  auto node = busy_node();
  auto text = node->get("/metrics").body;
  auto file = scratch_dir("metrics") + "/metrics.txt";
  std::ofstream{file} << text;
  auto checked = run_command("promtool check metrics < " + file);
  INFO(checked.output);
  CHECK(checked.status == 0);
  // Conventions promtool does not check: our prefix, and route templates rather than raw paths.
  std::istringstream lines{text};
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#')
      continue;
    INFO(line);
    CHECK((line.rfind("agora_", 0) == 0 || line.rfind("process_", 0) == 0));
    CHECK(line.find("ord_") == std::string::npos);
  }
  for (auto* family : {"agora_actor_mailbox_depth", "agora_actor_starts_total",
                       "agora_db_transaction_duration_seconds", "agora_order_step_duration_seconds",
                       "agora_mail_queue_depth", "agora_http_request_duration_seconds",
                       "agora_actor_messages_handled_total", "agora_payment_operations_total",
                       "agora_shipment_status_changes_total",
                       // present only when the node allocates from jemalloc, as it is linked to
                       "agora_heap_allocated_bytes"})
    CHECK(text.find(std::string{"# TYPE "} + family + " ") != std::string::npos);
}

TEST_CASE("actors, payments and shipments count the work of real orders", "[e2e][metrics]") {
  auto node = busy_node();
  std::string text;
  // The declined order's charge is answered before its order is told; wait for both results.
  REQUIRE(wait_until([&] {
    text = node->get("/metrics").body;
    return metric_in(text,
                     R"(agora_payment_operations_total{operation="charge",result="declined"})")
           >= 1;
  }));
  CHECK(metric_in(text, R"(agora_payment_operations_total{operation="charge",result="captured"})")
        >= 1);
  CHECK(metric_in(text, R"(agora_payment_operation_duration_seconds_count{operation="charge"})")
        >= 2);
  CHECK(metric_in(text, R"(agora_shipping_operations_total{operation="create",result="ok"})") >= 1);
  CHECK(metric_in(text, R"(agora_shipping_operations_total{operation="carrier_step",result="ok"})")
        >= 3);
  for (auto* status : {"IN_TRANSIT", "OUT_FOR_DELIVERY", "DELIVERED"})
    CHECK(
      metric_in(text, std::string{"agora_shipment_status_changes_total{status=\""} + status + "\"}")
      >= 1);
  CHECK(metric_in(text, R"(agora_inventory_reservations_total{result="held"})") >= 2);
  CHECK(metric_in(text, R"(agora_inventory_stock_changes_total{kind="commit"})") >= 1);
  CHECK(metric_in(text, R"(agora_inventory_units{state="reserved"})") >= 0);
  // Every kind of actor that did the work counted its messages: the door's bridges, the order,
  // the services and the stores behind them.
  for (auto* type : {"http.bridge", "order", "order.router", "inventory", "payment", "shipping",
                     "store.orders", "store.payments.front", "notification"}) {
    INFO(type);
    CHECK(metric_in(text, std::string{"agora_actor_messages_handled_total{type=\""} + type + "\"}")
          >= 1);
  }
}

TEST_CASE("the Grafana dashboard queries only series a node really exports", "[e2e][metrics]") {
  auto node = busy_node();
  auto text = node->get("/metrics").body;
  auto dashboard = json::parse(read_text(AGORA_SOURCE_DIR "/docker/grafana/dashboards/agora.json"));
  std::regex name{R"(\b((agora|process)_[a-z0-9_]+)\b)"};
  std::set<std::string> names;
  size_t panels = 0;
  for (auto& panel : dashboard["panels"]) {
    if (!panel.contains("targets"))
      continue;
    ++panels;
    for (auto& target : panel["targets"]) {
      auto expr = target["expr"].get<std::string>();
      for (std::sregex_iterator i{expr.begin(), expr.end(), name}, end; i != end; ++i)
        names.insert((*i)[1]);
    }
  }
  CHECK(panels >= 20);
  CHECK(names.size() >= 25);
  for (auto& n : names) {
    INFO(n << " is queried by the dashboard but not exported");
    CHECK((text.find("\n" + n + "{") != std::string::npos
           || text.find("\n" + n + " ") != std::string::npos));
  }
}

TEST_CASE("a real Prometheus server scrapes a node and answers a query for its series",
          "[e2e][metrics][prometheus]") {
  agora_node node;
  auto dir = scratch_dir("prometheus");
  auto target = node.process->base_url().substr(7); // 127.0.0.1:<port>
  std::ofstream{dir + "/prometheus.yml"}
    << "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: agora\n"
       "    static_configs:\n      - targets: ['"
    << target << "']\n";
  auto port = free_port();
  node_process prometheus{
    {"--config.file=" + dir + "/prometheus.yml", "--storage.tsdb.path=" + dir + "/data",
     "--web.listen-address=127.0.0.1:" + std::to_string(port), "--log.level=warn"},
    {},
    "/usr/bin/prometheus"};
  auto api = "http://127.0.0.1:" + std::to_string(port) + "/api/v1/query?query=";
  json answer;
  bool found = wait_until(
    [&] {
      answer = json_of(http("GET", api + "agora_build_info"));
      return answer.is_object() && answer.value("status", "") == "success"
             && !answer["data"]["result"].empty();
    },
    60s);
  INFO(answer.dump() << "\nprometheus log:\n" << prometheus.log());
  REQUIRE(found);
  auto& series = answer["data"]["result"][0];
  CHECK(series["metric"]["job"] == "agora");
  CHECK(series["metric"]["instance"] == target);
  CHECK(series["metric"]["version"] == "0.1.0");
  CHECK(series["value"][1] == "1");
  auto up = json_of(http("GET", api + "up"));
  CHECK(up["data"]["result"][0]["value"][1] == "1");
}

TEST_CASE("/docs renders every endpoint and places an order with try it out", "[e2e][docs]") {
  agora_node node;
  auto page = node.get("/docs");
  REQUIRE(page.status == 200);
  CHECK(page.header("content-type") == "text/html; charset=utf-8");
  auto csp = page.header("content-security-policy");
  CHECK(csp.find("default-src 'none'") != std::string::npos);
  CHECK(csp.find("unsafe-inline") == std::string::npos);
  std::set<std::string> documented;
  auto spec = json_of(node.get("/openapi.json"));
  for (auto& [path, ops] : spec["paths"].items())
    for (auto& [method, op] : ops.items())
      if (method != "parameters") {
        std::string m = method;
        for (auto& c : m)
          c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        documented.insert(m + " " + path);
      }
  REQUIRE(documented.size() >= 25);

  auto out = std::string{AGORA_TEST_TMP} + "/docs";
  auto r = browser_check(
    "docs-check.mjs",
    "DOCS_URL=" + node.url("") + " STAFF_TOKEN=" + operator_token + " OUT_DIR=" + out, 120);
  CHECK(r["console_errors"].empty());
  CHECK(r["csp_violations"].empty());
  // Every operation, tags in the order a shop's developer needs them.
  std::set<std::string> rendered;
  for (auto& o : r["operations"])
    rendered.insert(o.get<std::string>());
  CHECK(rendered == documented);
  CHECK(r["rendered"] == documented.size());
  CHECK(r["tags"]
        == json::array({"catalog", "inventory", "orders", "customers", "payments", "shipments",
                        "notifications", "storefront", "operations", "admin", "Schemas"}));
  CHECK(r["summaries"].get<std::string>().find("Places an order") != std::string::npos);
  // Schemas once, linked; enums and nullable fields said right; markdown rendered.
  CHECK(r["order_schemas"] == 1);
  CHECK(r["order_field_tables"] == 1);
  CHECK(r["order_links"].get<int>() >= 2);
  CHECK(r["reason_type"]
        == "string one of: OUT_OF_STOCK | PAYMENT_DECLINED | CUSTOMER_REQUEST | "
           "TIMEOUT | null");
  CHECK(r["payment_type"] == "object | null");
  CHECK(r["intro_backticks"] == false);
  CHECK(r["intro_code"].get<int>() > 3);
  CHECK(r["any_backticks"] == false);
  // Try it out: a guest's order placed from the prefilled example and read back with its token.
  CHECK(r["prefilled"]["items"][0]["product_id"] == 3);
  CHECK(r["placed"]["status"] == 201); // the example asks Prefer: wait=10
  CHECK(r["placed"]["has_token"] == true);
  CHECK(r["placed"]["request_id"] == true);
  auto id = r["placed"]["id"].get<std::string>();
  CHECK(r["anonymous"]["id_prefilled"] == id);
  CHECK(r["anonymous"]["status"] == 401);
  CHECK(r["stored"] == "oat_");
  CHECK(r["read"]["status"] == 200);
  CHECK(r["read"]["id"] == id);
  CHECK(json_of(node.get("/orders/" + id))["id"] == id); // it is a real order
  CHECK(r["staff"]["status"] == 200);
  CHECK(r["staff"]["nodes"] == 1);
  CHECK(r["forgotten"].is_null());
  CHECK(r["deep_link_open"] == true);
  CHECK(r["phone_overflow"] == false);
}
