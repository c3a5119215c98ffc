#include "tests/support/agora_node.hpp"
#include "tests/support/orders.hpp"
#include "tests/support/pg.hpp"
#include "tests/support/wait.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <memory>

using namespace agora::test;
using namespace std::chrono_literals;
using nlohmann::json;

TEST_CASE("payment and shipping on a second node: the lifecycle runs across CAF's middleman",
          "[e2e][cluster]") {
  auto db = fresh_database();
  auto port_a = free_port();
  auto port_b = free_port();
  auto seed = [](uint16_t p) {
    return "--seeds=127.0.0.1:" + std::to_string(p);
  };
  // Started together, each waits for what it needs from the other.
  auto tls = [](std::vector<std::string> flags, const std::string& name) {
    with_tls(flags, name);
    return flags;
  };
  agora_node b{
    tls({"--roles=payment,shipping", "--node-id=node-b", "--cluster-port=" + std::to_string(port_b),
         seed(port_a), "--shipping-step-seconds=1"},
        "node-b"),
    db, false};
  agora_node a{
    tls({"--roles=frontdoor,orders,inventory,notification", "--node-id=node-a",
         "--cluster-port=" + std::to_string(port_a), seed(port_b), "--shipping-step-seconds=1"},
        "node-a"),
    db};
  REQUIRE(b.process->wait_started() != 0);
  REQUIRE(wait_until([&] {
    return b.get("/readyz").status == 200;
  }));

  auto created = place_order(a, order_body(20, 1));
  REQUIRE(created.status == 202);
  auto id = json_of(created)["id"].get<std::string>();
  json o;
  REQUIRE(wait_until(
    [&] {
      o = json_of(a.get("/orders/" + id));
      return o["status"] == "DELIVERED";
    },
    20s));
  CHECK(o["payment"]["status"] == "CAPTURED");
  // Node b charged and shipped; node a has neither actor.
  auto metrics_a = a.get("/metrics").body;
  auto metrics_b = b.get("/metrics").body;
  CHECK(metrics_a.find("agora_actors_alive{type=\"payment\"} 1") == std::string::npos);
  CHECK(metrics_b.find("agora_actors_alive{type=\"payment\"} 1") != std::string::npos);
  CHECK(metrics_b.find("agora_actors_alive{type=\"shipping\"} 1") != std::string::npos);
  CHECK(b.get("/payments/" + o["payment"]["id"].get<std::string>()).status == 200);
  // The services count their own work, so the node that hosts only them reports it.
  CHECK(
    metric_in(metrics_b, R"(agora_payment_operations_total{operation="charge",result="captured"})")
    == 1);
  CHECK(metric_in(metrics_b, R"(agora_shipment_status_changes_total{status="DELIVERED"})") == 1);
  CHECK(
    metric_in(metrics_a, R"(agora_payment_operations_total{operation="charge",result="captured"})")
    == 0);
  // A decline crosses the nodes too, and compensates.
  auto declined = place_order(a, order_body(20, 1, "4000000000000002"), 10);
  REQUIRE(declined.status == 201);
  CHECK(json_of(declined)["status"] == "CANCELLED");
  CHECK(json_of(declined)["reason"] == "PAYMENT_DECLINED");
  // A paid order's cancel asks node b's shipping first: it cancels the shipment and refunds, or,
  // if the carrier got there first (1 s steps), is a 409 and the order ships.
  auto paid = place_order(a, order_body(20, 1), 10);
  REQUIRE(paid.status == 201);
  REQUIRE(json_of(paid)["status"] == "PAID");
  auto paid_id = json_of(paid)["id"].get<std::string>();
  auto cancel = cancel_order(a, paid_id);
  INFO(cancel.body);
  REQUIRE((cancel.status == 200 || cancel.status == 409));
  CHECK(wait_until(
    [&] {
      auto now = json_of(a.get("/orders/" + paid_id));
      if (cancel.status == 409)
        return now["status"] == "DELIVERED" && now["payment"]["status"] == "CAPTURED";
      return now["status"] == "CANCELLED" && now["payment"]["status"] == "REFUNDED"
             && sql_value(db, "SELECT status FROM shipments WHERE order_id = '" + paid_id + "'")
                  == "CANCELLED";
    },
    20s));
  CHECK(sql_value(db, "SELECT count(*) FROM members WHERE status = 'up'") == "2");
}

TEST_CASE("a restart of either node is a pause: orders accepted meanwhile complete afterwards",
          "[e2e][cluster]") {
  // Each node reaches the roles it lacks through a proxy that finds them again when their node
  // dies or restarts (before, it kept the handles of the first start, and every call timed out).
  auto db = fresh_database();
  auto port_a = std::to_string(free_port());
  auto port_b = std::to_string(free_port());
  std::vector<std::string> flags_a{"--roles=frontdoor,orders,inventory,notification",
                                   "--node-id=node-a", "--cluster-port=" + port_a,
                                   "--seeds=127.0.0.1:" + port_b, "--shipping-step-seconds=1"};
  // Over mutual TLS, as in production: each restart makes the restarted node the newer member,
  // which opens the one connection between the two (the other never dials it).
  std::vector<std::string> flags_b{"--roles=payment,shipping", "--node-id=node-b",
                                   "--cluster-port=" + port_b, "--seeds=127.0.0.1:" + port_a,
                                   "--shipping-step-seconds=1"};
  with_tls(flags_a, "node-a");
  with_tls(flags_b, "node-b");
  auto b = std::make_unique<agora_node>(flags_b, db, false);
  auto a = std::make_unique<agora_node>(flags_a, db);
  auto place = [&] {
    auto r = place_order(*a, order_body(21, 1));
    REQUIRE(r.status == 202);
    return json_of(r)["id"].get<std::string>();
  };
  auto delivered = [&](const std::string& id) {
    return wait_until(
      [&] {
        return sql_value(db, "SELECT status FROM orders WHERE id = '" + id + "'") == "DELIVERED";
      },
      30s);
  };
  auto kill = [](agora_node& node) {
    node.process->signal(SIGKILL);
    REQUIRE(node.process->wait_exit().has_value());
  };
  CHECK(delivered(place()));

  // Payment and shipping go away; orders accepted meanwhile wait for them, and go on.
  kill(*b);
  auto during = place();
  b = std::make_unique<agora_node>(flags_b, db);
  CHECK(delivered(during));
  CHECK(delivered(place()));
  CHECK(a->process->log().find("\"event\":\"cluster.role_found\"") != std::string::npos);

  // The orders' node restarts: shipping finds its router again, so the news of every move (and
  // the delivery) reaches the new node's orders.
  kill(*a);
  a = std::make_unique<agora_node>(flags_a, db);
  CHECK(delivered(place()));
  CHECK(sql_value(db, "SELECT count(*) FROM orders WHERE status <> 'DELIVERED'") == "0");
}

TEST_CASE("a node whose seeds never serve a missing role fails its start with one line",
          "[e2e][cluster]") {
  auto db = fresh_database();
  node_process lonely{{"--http-port=0", "--roles=frontdoor,orders,inventory",
                       "--seeds=127.0.0.1:" + std::to_string(free_port()), "--seed-wait-seconds=1",
                       "--cluster-insecure=true"},
                      {"AGORA_DATABASE_URL=" + db}};
  REQUIRE(lonely.wait_exit(20s) == 1);
  auto log = lonely.log();
  CHECK(log.find("agora: no seed serves the payment role") != std::string::npos);
}

TEST_CASE("strangers get nothing: no certificate of the cluster CA, or one but no membership",
          "[e2e][cluster][tls]") {
  auto db = fresh_database();
  auto port = free_port();
  auto flags = cluster_tls("pay-node");
  flags.insert(flags.end(), {"--roles=payment,shipping", "--node-id=pay-node",
                             "--cluster-port=" + std::to_string(port)});
  agora_node pay{flags, db, false};
  REQUIRE(pay.process->wait_started() != 0);
  auto stranger = [&](std::vector<std::string> tls) {
    // Its own empty database: it is nobody's member; it asks the cluster's node for payment.
    std::vector<std::string> args{"--http-port=0", "--roles=frontdoor,orders,inventory",
                                  "--node-id=stranger", "--seed-wait-seconds=2",
                                  "--seeds=127.0.0.1:" + std::to_string(port)};
    args.insert(args.end(), tls.begin(), tls.end());
    node_process p{args, {"AGORA_DATABASE_URL=" + fresh_database()}};
    auto code = p.wait_exit(30s);
    INFO(p.log());
    CHECK(code == 1);
    return p.log();
  };
  // A certificate of another CA: the TLS handshake fails, nothing is looked up.
  auto foreign = stranger(cluster_tls("stranger", scratch_dir("other-ca")));
  CHECK(foreign.find("no seed serves the payment role") != std::string::npos);
  // No certificate at all, plaintext: the TLS port does not speak to it either.
  stranger({"--cluster-insecure=true"});
  // The cluster's own CA, but no live membership in the cluster's database: refused.
  auto outsider = stranger(cluster_tls("outsider"));
  CHECK(outsider.find("not a live member") != std::string::npos);
  CHECK(pay.process->log().find("\"event\":\"cluster.lookup_refused\"") != std::string::npos);
  CHECK(sql_value(db, "SELECT count(*) FROM payments") == "0");
}
