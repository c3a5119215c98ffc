#pragma once

#include "tests/support/http_client.hpp"
#include "tests/support/node_process.hpp"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace agora::test {

constexpr const char* admin_token = "admin-token-for-e2e-tests-0001";
constexpr const char* operator_token = "operator-token-for-e2e-tests-01";

/// A started node on a fresh database, with the test tokens; `extra` flags are appended.
struct agora_node {
  std::string db;
  std::unique_ptr<node_process> process;

  /// `wait_ready`: also wait for /readyz (a node may start before the peers it needs).
  /// `env`: more environment entries ("AGORA_SMTP_PASSWORD=..."). `uid`: run as that user.
  explicit agora_node(std::vector<std::string> extra = {}, std::string database = {},
                      bool wait_ready = true, std::vector<std::string> env = {}, unsigned uid = 0);

  std::string url(const std::string& path) const;

  /// GET as an operator (staff see every resource); http() for any other caller.
  http_response get(const std::string& path) const;
  /// JSON body with Content-Type; `admin` adds the admin bearer token.
  http_response send(const std::string& method, const std::string& path, const nlohmann::json& body,
                     bool admin = false, std::vector<std::string> headers = {}) const;
};

/// Runs a browser check of tests/tools (`node SCRIPT`, with the shell `env` assignments, under a
/// `seconds` timeout) and answers the JSON report it prints last; REQUIREs that it exited 0 and
/// printed one, and CHECKs that it reports no error of its own.
nlohmann::json browser_check(const std::string& script, const std::string& env, int seconds);

/// The body as JSON (null when it is not JSON).
nlohmann::json json_of(const http_response& r);

/// The value of one sample of a /metrics text, e.g. `agora_mail_sent_total` or
/// `agora_actors_alive{type="order"}` (labels in the exporter's sorted order); 0 when absent.
double metric_in(const std::string& text, const std::string& sample);

/// metric_in() on the node's /metrics now.
double metric(const agora_node& node, const std::string& sample);

} // namespace agora::test
