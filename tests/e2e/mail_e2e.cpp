// Notification mail end to end: real agora nodes, real orders, a real SMTP server.
#include "runtime/base/random.hpp"
#include "tests/support/agora_node.hpp"
#include "tests/support/orders.hpp"
#include "tests/support/pg.hpp"
#include "tests/support/smtp_sink.hpp"
#include "tests/support/wait.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <regex>

using namespace agora::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

long count(const agora_node& node, const std::string& where) {
  return std::stol(sql_value(node.db, "SELECT count(*) FROM notifications WHERE " + where));
}

/// Options that make a node deliver quickly to `sink_url`.
std::vector<std::string> mail_flags(const std::string& sink_url,
                                    std::vector<std::string> more = {}) {
  std::vector<std::string> flags{"--smtp-url=" + sink_url, "--mail-poll-ms=50",
                                 "--smtp-retry-base-ms=200", "--smtp-retry-max-ms=1000",
                                 "--shipping-step-seconds=0"};
  flags.insert(flags.end(), more.begin(), more.end());
  return flags;
}

std::string header(const json& mail, const std::string& name) {
  auto& h = mail["headers"];
  return h.contains(name) ? h[name].get<std::string>() : std::string{};
}

} // namespace

TEST_CASE("the four notification types arrive over SMTP with their recipients and content",
          "[e2e][mail]") {
  agora_node node{
    mail_flags(shared_smtp_url(), {"--shipping-step-seconds=1", "--public-url=https://shop.example",
                                   "--smtp-from=Agora Shop <orders@shop.example>"})};
  auto sku = "MUG-" + agora::random_hex(4);
  auto made = node.send("POST", "/products",
                        {{"sku", sku},
                         {"name", "Café crème mug ✓"},
                         {"price_cents", 1250},
                         {"initial_stock", 3},
                         {"low_stock_threshold", 2}},
                        true);
  REQUIRE(made.status == 201);
  auto product = json_of(made)["id"].get<int64_t>();
  auto email = "zoe." + agora::random_hex(4) + "@example.com";
  auto placed = place_order(node, order_body(product, 2, "4242424242424242", email, "Zoë Ünal"));
  REQUIRE(placed.status == 202);
  auto id = json_of(placed)["id"].get<std::string>();
  auto done = await_status(node, id, "DELIVERED");
  auto mine = "(order_id = '" + id + "' OR product_id = " + std::to_string(product) + ")";
  REQUIRE(wait_until(
    [&] {
      return count(node, mine + " AND status = 'SENT'") == 4;
    },
    20s));
  CHECK(count(node, mine) == 4);
  CHECK(count(node, mine + " AND sent_at IS NULL") == 0);
  auto listed = json_of(node.get("/notifications?order_id=" + id + "&status=SENT"));
  CHECK(listed["total"] == 3);

  std::map<std::string, json> by_type; // what the shared sink received for this test
  for (auto& m : read_sink_folder(shared_smtp_folder()))
    if (header(m, "X-Agora-Order-Id") == id
        || header(m, "X-Agora-Product-Id") == std::to_string(product))
      by_type[header(m, "X-Agora-Notification-Type")] = m;
  REQUIRE(by_type.size() == 4);
  for (auto& [type, m] : by_type) {
    INFO(type);
    CHECK(m["from"] == "Agora Shop <orders@shop.example>");
    CHECK(m["mail_from"] == "orders@shop.example");
    CHECK(m["content_type"] == "multipart/alternative");
    CHECK(m["defects"].empty());
    CHECK(!m["date"].get<std::string>().empty());
    CHECK(std::regex_match(m["message_id"].get<std::string>(),
                           std::regex{"<ntf_[0-9a-z]+@shop\\.example>"}));
    CHECK(m["rcpt_tos"][0] == (type == "LOW_INVENTORY_ALERT" ? "ops@example.com" : email));
  }
  auto& created = by_type["ORDER_CREATED"];
  CHECK(created["subject"] == "We received your order " + id);
  CHECK(created["text"].get<std::string>().find("Hello Zoë Ünal,") != std::string::npos);
  CHECK(created["text"].get<std::string>().find("25.00 USD") != std::string::npos);
  CHECK(created["html"].get<std::string>().find("href=\"https://shop.example/shop/orders/" + id)
        != std::string::npos);
  CHECK(by_type["PAYMENT_STATUS_CHANGED"]["subject"]
        == "Payment for order " + id + " was accepted");
  auto& delivered = by_type["SHIPMENT_DELIVERED"];
  CHECK(delivered["subject"] == "Your order " + id + " has been delivered");
  auto tracking = done["shipment"]["tracking_number"].get<std::string>();
  CHECK(delivered["text"].get<std::string>().find(tracking) != std::string::npos);
  CHECK(delivered["html"].get<std::string>().find("<code>" + tracking + "</code>")
        != std::string::npos);
  auto& alert = by_type["LOW_INVENTORY_ALERT"];
  CHECK(alert["subject"] == "Low stock: Café crème mug ✓ (" + sku + ") has 1 left");
  CHECK(metric(node, "agora_mail_sent_total") >= 4);
}

TEST_CASE("an SMTP outage during a burst of orders loses no mail and sends none twice",
          "[e2e][mail][outage]") {
  smtp_sink sink;
  agora_node node{mail_flags(sink.url())};
  std::vector<std::string> orders;
  auto burst = [&](int n) {
    for (int i = 0; i < n; ++i) {
      auto r = place_order(node, order_body(3, 1)); // 60 in stock, alert at 6
      REQUIRE(r.status == 202);
      orders.push_back(json_of(r)["id"]);
    }
  };
  burst(10);
  sink.kill(); // mid-burst, possibly mid-conversation
  burst(20);
  // Orders go on while mail cannot: every order is paid and has both its mails queued.
  REQUIRE(wait_until(
    [&] {
      return count(node, "type = 'PAYMENT_STATUS_CHANGED'") == 30;
    },
    30s));
  CHECK(count(node, "true") == 60);
  // The outage lasts until queued mail has waited several seconds and the node has probed the
  // dead server again and again.
  REQUIRE(wait_until(
    [&] {
      return std::stod(sql_value(node.db, "SELECT coalesce(extract(epoch from now() - "
                                          "min(created_at)), 0) FROM notifications WHERE "
                                          "status = 'QUEUED'"))
               >= 4
             && metric(node, "agora_mail_retries_total{reason=\"unavailable\"}") >= 5;
    },
    30s));
  CHECK(metric(node, "agora_mail_server_up") == 0);
  CHECK(count(node, "status = 'FAILED'") == 0); // a dead server uses up no attempts
  sink.start();
  REQUIRE(wait_until(
    [&] {
      return count(node, "status = 'SENT'") == 60;
    },
    60s));
  std::map<std::string, int> copies;
  for (auto& m : sink.messages())
    ++copies[header(m, "X-Agora-Notification-Id")];
  CHECK(copies.size() == 60);
  for (auto& [id, n] : copies) {
    INFO(id);
    CHECK(n == 1);
  }
  CHECK(wait_until([&] {
    return metric(node, "agora_mail_server_up") == 1;
  }));
}

TEST_CASE("a server that answers 550 for one address fails that mail only", "[e2e][mail]") {
  smtp_sink_options rejecting;
  rejecting.reject = {"bounce@example.com"};
  smtp_sink sink{rejecting};
  agora_node node{mail_flags(
    sink.url(), {"--smtp-max-attempts=3", "--smtp-retry-base-ms=100", "--smtp-retry-max-ms=300"})};
  REQUIRE(place_order(node, order_body(1, 1, "4242424242424242", "bounce@example.com")).status
          == 202);
  REQUIRE(place_order(node, order_body(2, 1, "4242424242424242", "fine@example.com")).status
          == 202);
  REQUIRE(wait_until(
    [&] {
      return count(node, "recipient = 'bounce@example.com' AND status = 'FAILED'") == 2
             && count(node, "recipient = 'fine@example.com' AND status = 'SENT'") == 2;
    },
    30s));
  CHECK(count(node, "recipient = 'bounce@example.com' AND attempts = 3 AND last_error LIKE "
                    "'%550%'")
        == 2);
  auto got = sink.messages();
  CHECK(got.size() == 2);
  for (auto& m : got)
    CHECK(m["rcpt_tos"][0] == "fine@example.com");
  CHECK(metric(node, "agora_mail_failed_total") == 2);
  auto failed = json_of(node.get("/notifications?status=FAILED"));
  CHECK(failed["total"] == 2);
  CHECK(failed["items"][0]["attempts"] == 3);
}

TEST_CASE("a node sends over STARTTLS with AUTH to a self-signed server it is told to trust",
          "[e2e][mail][tls]") {
  auto [cert, key] = self_signed_certificate();
  std::string password = "pa55-" + agora::random_hex(8);
  smtp_sink sink{{{}, cert, key, true, "shop:" + password}}; // STARTTLS and AUTH required
  agora_node node{
    mail_flags(sink.url(), {"--smtp-tls=required", "--smtp-ca-file=" + cert, "--smtp-user=shop"}),
    {},
    true,
    {"AGORA_SMTP_PASSWORD=" + password}};
  auto placed = place_order(node, order_body(4, 1));
  REQUIRE(placed.status == 202);
  REQUIRE(wait_until(
    [&] {
      return sink.messages().size() == 2;
    },
    20s));
  for (auto& m : sink.messages()) {
    CHECK(m["tls"] == true);
    CHECK(m["authenticated"] == true);
  }
  CHECK(node.process->log().find(password) == std::string::npos); // never logged
}

TEST_CASE("mail to one address is capped per hour: the rest is SUPPRESSED and counted",
          "[e2e][mail][limits]") {
  agora_node node{mail_flags(shared_smtp_url(), {"--mail-cap-per-hour=3"})};
  auto victim = "victim." + agora::random_hex(4) + "@example.org";
  // Declined cards: each order mails twice (received, declined). Five orders, ten mails.
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    auto r = place_order(node, order_body(3, 1, "4000000000000002", victim));
    REQUIRE(r.status == 202);
    ids.push_back(json_of(r)["id"]);
  }
  auto to_victim = "recipient = '" + victim + "'";
  REQUIRE(wait_until(
    [&] {
      return count(node, to_victim + " AND status IN ('SENT', 'SUPPRESSED')") == 10;
    },
    20s));
  CHECK(count(node, to_victim + " AND status = 'SENT'") == 3);
  CHECK(count(node, to_victim + " AND status = 'SUPPRESSED' AND sent_at IS NULL") == 7);
  CHECK(metric(node, "agora_mail_suppressed_total") == 7);
  CHECK(json_of(node.get("/notifications?status=SUPPRESSED"))["total"] == 7);
  size_t received = 0;
  for (auto& m : read_sink_folder(shared_smtp_folder()))
    received += m["rcpt_tos"][0] == victim;
  CHECK(received == 3);
  // Another address is not affected.
  auto other = "other." + agora::random_hex(4) + "@example.org";
  REQUIRE(place_order(node, order_body(3, 1, "4242424242424242", other)).status == 202);
  CHECK(wait_until([&] {
    return count(node, "recipient = '" + other + "' AND status = 'SENT'") >= 2;
  }));
}
