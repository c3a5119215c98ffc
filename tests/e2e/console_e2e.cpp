// The console as a person uses it: two real nodes, a real order, a mail that failed, and the
// page driven in headless Chromium (tests/tools/console-check.mjs) through every view. The
// screenshots land in build/test-tmp/console/.
#include "runtime/base/random.hpp"
#include "tests/support/agora_node.hpp"
#include "tests/support/orders.hpp"
#include "tests/support/pg.hpp"
#include "tests/support/smtp_sink.hpp"
#include "tests/support/wait.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <set>

using namespace agora::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

std::unique_ptr<agora_node> console_peer(const std::string& id, const std::string& db,
                                         const std::string& smtp) {
  std::vector<std::string> flags{
    "--node-id=" + id,           "--cluster-port=" + std::to_string(free_port()),
    "--shipping-step-seconds=0", "--smtp-url=" + smtp,
    "--mail-poll-ms=100",        "--smtp-max-attempts=1"};
  with_tls(flags, id);
  return std::make_unique<agora_node>(flags, db);
}

// What a shop's staff should never be shown as markup.
const std::string evil_name =
  "<script>window.__xss=1</script><img src=x onerror=\"window.__xss=2\">";
const std::string evil_address = "\"onerror=\"window.__xss=3\" <img src=x onerror=window.__xss=4>";

} // namespace

TEST_CASE("the console shows the cluster, shards, actors, an order's replay and retries mail",
          "[e2e][console]") {
  smtp_sink_options rejecting;
  rejecting.reject = {"bounce@example.com"};
  smtp_sink sink{rejecting};
  auto db = fresh_database();
  auto a = console_peer("node-a", db, sink.url());
  auto b = console_peer("node-b", db, sink.url());
  REQUIRE(wait_until(
    [&] {
      return a->get("/readyz").status == 200 && b->get("/readyz").status == 200;
    },
    30s));

  // The page itself: served to anyone, no data in it, a CSP without inline script.
  auto page = http("GET", a->url("/console"));
  REQUIRE(page.status == 200);
  auto csp = page.header("content-security-policy");
  CHECK(csp.find("script-src 'self'") != std::string::npos);
  CHECK(csp.find("unsafe-inline") == std::string::npos);
  CHECK(csp.find("default-src 'none'") != std::string::npos);
  CHECK(page.body.find("<script src=\"/console/app.js\"") != std::string::npos);
  CHECK(http("GET", a->url("/console/app.js")).status == 200);

  auto made = a->send("POST", "/products",
                      {{"sku", "XSS-" + agora::random_hex(4)},
                       {"name", evil_name},
                       {"price_cents", 990},
                       {"initial_stock", 50}},
                      true);
  REQUIRE(made.status == 201);
  auto product = json_of(made)["id"].get<int64_t>();
  auto body = order_body(product, 2, "4242424242424242", "bounce@example.com", evil_address);
  auto placed = place_order(*a, body);
  REQUIRE(placed.status == 202);
  auto id = json_of(placed)["id"].get<std::string>();
  await_status(*a, id, "PAID");
  json failed;
  REQUIRE(wait_until(
    [&] {
      failed = json_of(a->get("/admin/notifications?status=FAILED&order_id=" + id));
      return failed["total"] == 2;
    },
    30s));
  auto mail = failed["items"][0]["id"].get<std::string>();
  auto replay = json_of(a->get("/admin/orders/" + id + "/replay"));

  auto out = std::string{AGORA_TEST_TMP} + "/console";
  auto r = browser_check("console-check.mjs",
                         "CONSOLE_URL=" + a->url("") + " OPERATOR_TOKEN=" + operator_token
                           + " ADMIN_TOKEN=" + admin_token + " ORDER_ID=" + id
                           + " FAILED_MAIL_ID=" + mail + " OUT_DIR=" + out,
                         180);

  // Without a token: the sign-in and nothing else; a wrong token is refused in words.
  CHECK(r["signin"]["visible"] == true);
  CHECK(r["signin"]["data_rows"] == 0);
  CHECK(r["signin"]["tabs_hidden"] == true);
  CHECK(r["wrong_token"].get<std::string>().find("not valid") != std::string::npos);
  // Cluster: both nodes, live.
  REQUIRE(r["cluster"].size() == 2);
  for (auto& row : r["cluster"])
    CHECK(row[1] == "live");
  CHECK(r["strip"]["nodes"] == "2");
  // Shards: every shard of each kind shown once, each with one owner among the nodes.
  std::map<std::string, std::set<int>> shards;
  for (auto& cell : r["shards"]) {
    CHECK((cell["owner"] == "node-a" || cell["owner"] == "node-b"));
    CHECK(shards[cell["kind"]].insert(cell["shard"].get<int>()).second); // never twice
  }
  CHECK(shards["orders"].size() == 64);
  CHECK_FALSE(shards["inventory"].empty());
  // Actors, and one in detail with what it handled while watched.
  CHECK(r["actors_all"].get<int>() >= 20);
  CHECK(r["actor_detail"].get<std::string>().find(r["actor_first"].get<std::string>())
        != std::string::npos);
  CHECK(r["actor_messages"].get<int>() >= 1);
  // The order: its journal, the replay's states, and agreement with the projection.
  CHECK(r["order"]["steps"] == replay["events"].size());
  CHECK(r["order"]["slider_max"] == replay["events"].size());
  CHECK(r["order"]["first_status"] == "PENDING");
  CHECK(r["order"]["last_status"] == "PAID");
  CHECK(r["order"]["verdict"] == "replay equals the projection");
  // Markup in a product name and an address is text on the page, and nothing ran.
  REQUIRE(r["order"]["items"].size() == 1);
  CHECK(r["order"]["items"][0] == evil_name);
  CHECK(r["order"]["address"].get<std::string>().find(evil_address) != std::string::npos);
  CHECK(r["order"]["xss_ran"] == false);
  CHECK(r["order"]["injected_elements"] == 0);
  CHECK(r["csp_violations"].empty());
  CHECK(r["console_errors"].empty());
  // The outbox: an operator is told retry is for admins; an admin puts the mail back.
  CHECK(r["operator_retry"].get<std::string>().find("admin role") != std::string::npos);
  CHECK(r["admin_retry"].get<std::string>().find("queued again") != std::string::npos);
  CHECK(r["signed_out"]["storage_cleared"] == true);
  CHECK(r["signed_out"]["data_rows"] == 0);
  bool retried = false; // queued again, or already tried again (the server still refuses)
  auto outbox = json_of(a->get("/admin/notifications?order_id=" + id));
  INFO(outbox.dump());
  for (auto& m : outbox["items"])
    if (m["id"] == mail)
      retried =
        m["status"] == "QUEUED" || m["last_attempt_at"] != failed["items"][0]["last_attempt_at"];
  CHECK(retried);
  // Tokens: never in a URL the page asked for, in its HTML, or in either node's log.
  CHECK(r["urls_with_token"].empty());
  CHECK(r["html_has_token"] == false);
  CHECK(r["url_after_signin"].get<std::string>().find(operator_token) == std::string::npos);
  for (auto* node : {a.get(), b.get()}) {
    auto log = node->process->log();
    CHECK(log.find(operator_token) == std::string::npos);
    CHECK(log.find(admin_token) == std::string::npos);
  }
  CHECK(r["screenshots"].size() >= 8);
}
