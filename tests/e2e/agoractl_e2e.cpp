// agoractl against a live node: each command's table and --json, its exit codes for a wrong
// token, a missing resource, a conflict, bad usage and an unreachable node.
#include "tests/support/agora_node.hpp"
#include "tests/support/orders.hpp"
#include "tests/support/smtp_sink.hpp"
#include "tests/support/wait.hpp"

#include <catch2/catch.hpp>

using namespace agora::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

/// agoractl with the node's URL and `token` in the environment, stdout and stderr together.
command_result ctl(const agora_node& node, const std::string& args,
                   const std::string& token = operator_token) {
  return run_command("AGORACTL_URL=" + node.url("") + " AGORACTL_TOKEN=" + token + " "
                     + AGORACTL_BINARY + " " + args + " 2>&1");
}

bool has(const command_result& r, const std::string& text) {
  return r.output.find(text) != std::string::npos;
}

} // namespace

TEST_CASE("agoractl shows the cluster, shards, actors, an order and its replay",
          "[e2e][agoractl]") {
  agora_node node{{"--shipping-step-seconds=0", "--node-id=ctl-node"}};
  auto cluster = ctl(node, "cluster");
  INFO(cluster.output);
  CHECK(cluster.status == 0);
  CHECK(has(cluster, "NODE"));
  CHECK(has(cluster, "ctl-node  live"));
  auto cluster_json = json::parse(ctl(node, "cluster --json").output);
  CHECK(cluster_json["nodes"][0]["id"] == "ctl-node");

  // Ready means the door can take orders; the keeper may still be granting the last shards.
  command_result shards;
  bool all_granted = wait_until(
    [&] {
      shards = ctl(node, "shards --kind orders");
      return has(shards, "orders: ctl-node 64");
    },
    10s);
  INFO(shards.output);
  CHECK(shards.status == 0);
  CHECK(all_granted);
  CHECK_FALSE(has(shards, "inventory"));

  auto actors = ctl(node, "actors --type order.router");
  INFO(actors.output);
  CHECK(actors.status == 0);
  CHECK(has(actors, "order.router"));
  CHECK(has(actors, "1 of 1 live actors on ctl-node"));
  auto busiest = json::parse(ctl(node, "actors --sort mailbox --limit 3 --json").output);
  CHECK(busiest["items"].size() == 3);

  auto placed = place_order(node, order_body(2, 1));
  REQUIRE(placed.status == 202);
  auto id = json_of(placed)["id"].get<std::string>();
  await_status(node, id, "PAID");
  auto order = ctl(node, "order " + id);
  INFO(order.output);
  CHECK(order.status == 0);
  CHECK(has(order, "status    PAID"));
  CHECK(has(order, "total     "));
  auto replay = ctl(node, "order " + id + " --replay");
  INFO(replay.output);
  CHECK(replay.status == 0);
  CHECK(has(replay, "ORDER_CREATED"));
  CHECK(has(replay, "projection: matches the replayed journal"));
  CHECK(json::parse(ctl(node, "order " + id + " --replay --json").output)["matches"] == true);

  auto top = ctl(node, "top --interval 0.3 --count 2");
  INFO(top.output);
  CHECK(top.status == 0);
  CHECK(has(top, "ORDERS/S"));
  CHECK(has(top, "cluster: "));
  auto lines = ctl(node, "top --json --count 1");
  CHECK(json::parse(lines.output)["nodes"][0]["node"] == "ctl-node");

  // Exit codes scripts rely on.
  auto missing = ctl(node, "order ord_00000000000000000000000000");
  CHECK(missing.status == 5);
  CHECK(has(missing, "404"));
  auto wrong = ctl(node, "cluster", "not-a-real-token-at-all-0000000");
  CHECK(wrong.status == 4);
  CHECK(has(wrong, "401"));
  auto none =
    run_command(std::string{AGORACTL_BINARY} + " --url " + node.url("") + " cluster 2>&1");
  CHECK(none.status == 4);
  CHECK(has(none, "AGORACTL_TOKEN"));
  CHECK(ctl(node, "frobnicate").status == 2);
  CHECK(ctl(node, "actors --colour red").status == 2);
  CHECK(ctl(node, "top --interval 0").status == 2);
  CHECK(ctl(node, "--help").status == 0);
  auto away = run_command(std::string{AGORACTL_BINARY} + " --url http://127.0.0.1:"
                          + std::to_string(free_port()) + " --token x cluster 2>&1");
  CHECK(away.status == 3);
  CHECK(has(away, "cannot reach"));
}

TEST_CASE("agoractl lists failed mail and retries it with an admin token only",
          "[e2e][agoractl][mail]") {
  smtp_sink_options rejecting;
  rejecting.reject = {"bounce@example.com"};
  smtp_sink sink{rejecting};
  agora_node node{{"--smtp-url=" + sink.url(), "--mail-poll-ms=50", "--smtp-max-attempts=1",
                   "--shipping-step-seconds=0"}};
  REQUIRE(place_order(node, order_body(1, 1, "4242424242424242", "bounce@example.com")).status
          == 202);
  json failed;
  REQUIRE(wait_until(
    [&] {
      failed = json::parse(ctl(node, "mail failed --json").output, nullptr, false);
      return failed.is_object() && failed["total"] == 2;
    },
    30s));
  auto table = ctl(node, "mail failed");
  INFO(table.output);
  CHECK(has(table, "bounce@example.com"));
  CHECK(has(table, "550"));
  CHECK(has(table, "2 of 2"));
  auto id = failed["items"][0]["id"].get<std::string>();
  auto refused = ctl(node, "mail retry " + id);
  CHECK(refused.status == 4);
  CHECK(has(refused, "403"));
  auto retried = ctl(node, "mail retry " + id, admin_token);
  INFO(retried.output);
  CHECK(retried.status == 0);
  CHECK(has(retried, id + " is QUEUED again"));
  REQUIRE(place_order(node, order_body(2, 1, "4242424242424242", "fine@example.com")).status
          == 202);
  json sent;
  REQUIRE(wait_until([&] {
    sent = json::parse(ctl(node, "mail sent --json").output, nullptr, false);
    return sent.is_object() && sent["total"] == 2;
  }));
  auto conflict = ctl(node, "mail retry " + sent["items"][0]["id"].get<std::string>(), admin_token);
  CHECK(conflict.status == 6); // a sent mail is not sent twice
  CHECK(has(conflict, "409"));
  CHECK(ctl(node, "mail lost").status == 2);
}
