#include "tests/support/agora_node.hpp"

#include "tests/support/pg.hpp"
#include "tests/support/wait.hpp"

#include <catch2/catch.hpp>

namespace agora::test {

agora_node::agora_node(std::vector<std::string> extra, std::string database, bool wait_ready,
                       std::vector<std::string> env, unsigned uid)
  : db(database.empty() ? fresh_database() : std::move(database)) {
  std::vector<std::string> args{"--http-port=0", "--ops-email=ops@example.com"};
  args.insert(args.end(), extra.begin(), extra.end());
  env.push_back("AGORA_DATABASE_URL=" + db);
  env.push_back(std::string{"AGORA_AUTH_TOKENS="} + admin_token + ":admin," + operator_token
                + ":operator");
  process = std::make_unique<node_process>(args, env, std::string{}, uid);
  if (!wait_ready)
    return;
  REQUIRE(process->wait_started() != 0);
  REQUIRE(wait_until([&] {
    return get("/readyz").status == 200;
  }));
}

std::string agora_node::url(const std::string& path) const {
  return process->base_url() + path;
}

http_response agora_node::get(const std::string& path) const {
  return http("GET", url(path), {}, {std::string{"Authorization: Bearer "} + operator_token});
}

http_response agora_node::send(const std::string& method, const std::string& path,
                               const nlohmann::json& body, bool admin,
                               std::vector<std::string> headers) const {
  headers.push_back("Content-Type: application/json");
  if (admin)
    headers.push_back(std::string{"Authorization: Bearer "} + admin_token);
  return http(method, url(path), body.dump(), headers);
}

nlohmann::json browser_check(const std::string& script, const std::string& env, int seconds) {
  auto run = run_command("cd " + std::string{AGORA_SOURCE_DIR} + "/tests/tools && " + env
                         + " timeout " + std::to_string(seconds) + " node " + script + " 2>&1");
  INFO(run.output);
  REQUIRE(run.status == 0);
  auto at = run.output.rfind("\n{");
  auto r =
    nlohmann::json::parse(run.output.substr(at == std::string::npos ? 0 : at + 1), nullptr, false);
  REQUIRE(r.is_object());
  CHECK_FALSE(r.contains("error"));
  return r;
}

nlohmann::json json_of(const http_response& r) {
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  return j.is_discarded() ? nlohmann::json{} : j;
}

double metric_in(const std::string& text, const std::string& sample) {
  auto at = text.find("\n" + sample + " ");
  return at == std::string::npos ? 0 : std::stod(text.substr(at + sample.size() + 2));
}

double metric(const agora_node& node, const std::string& sample) {
  return metric_in(node.get("/metrics").body, sample);
}

} // namespace agora::test
