#include "runtime/config.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <unistd.h>

using namespace agora::runtime;

namespace {

const std::map<std::string, std::string> db_env{{"AGORA_DATABASE_URL", "postgresql://x@h/db"}};

std::string temp_file(const std::string& content) {
  char name[] = "/tmp/agora-config-XXXXXX";
  int fd = mkstemp(name);
  REQUIRE(fd >= 0);
  std::ofstream{name} << content;
  close(fd);
  return name;
}

} // namespace

TEST_CASE("defaults apply when nothing is configured", "[config]") {
  auto r = parse_config({}, db_env);
  REQUIRE(r.outcome == parse_outcome::run);
  CHECK(r.config.http.address == "127.0.0.1");
  CHECK(r.config.http.port == 8080);
  CHECK(r.config.http.threads == 2);
  CHECK(r.config.database.pool_size == 12);
  CHECK(r.config.roles == agora::domain::role_set::all());
  CHECK(r.config.log_level == agora::log::level::info);
  CHECK(r.config.node_id.empty()); // filled in from the port at start
  CHECK(r.config.shutdown_limit == std::chrono::seconds{20});
}

TEST_CASE("flags beat the environment, which beats the file", "[config]") {
  auto file = temp_file("# comment\n[http]\nport = 7000\nthreads = 3\n[log]\nlevel = \"warn\"\n");
  auto env = db_env;
  env["AGORA_HTTP_PORT"] = "7100";
  env["AGORA_CONFIG"] = file;
  auto r = parse_config({"--http-port=7200"}, env);
  REQUIRE(r.outcome == parse_outcome::run);
  CHECK(r.config.http.port == 7200);
  CHECK(r.config.http.threads == 3);
  CHECK(r.config.log_level == agora::log::level::warn);
  CHECK(r.config.config_file == file);
  r = parse_config({}, env);
  CHECK(r.config.http.port == 7100);
  env.erase("AGORA_HTTP_PORT");
  r = parse_config({"--http-threads", "5"}, env);
  CHECK(r.config.http.port == 7000);
  CHECK(r.config.http.threads == 5);
  std::remove(file.c_str());
}

TEST_CASE("every option has a flag, an AGORA_ variable and a file key", "[config]") {
  for (auto& spec : option_specs()) {
    CHECK(env_name(spec).rfind("AGORA_", 0) == 0);
    CHECK(usage().find(std::string{"--"} + spec.flag) != std::string::npos);
  }
  CHECK(env_name(option_specs()[1]) == "AGORA_HTTP_ADDRESS");
}

TEST_CASE("bad configuration is refused with one line naming the option", "[config]") {
  struct bad_case {
    std::vector<std::string> args;
    std::string mentions;
  };
  std::vector<bad_case> cases{
    {{"--http-port=99999"}, "--http-port"},
    {{"--http-port=80x"}, "--http-port"},
    {{"--http-port=-1"}, "--http-port"},
    {{"--bogus=1"}, "unknown option --bogus"},
    {{"stray"}, "unexpected argument"},
    {{"--db-pool-size=0"}, "--db-pool-size"},
    {{"--shutdown-seconds=0"}, "--shutdown-seconds"},
    {{"--log-level=loud"}, "--log-level"},
    {{"--roles=orders,cooking"}, "cooking"},
    {{"--auth-tokens=tok:god"}, "--auth-tokens"},
    {{"--http-port"}, "needs a value"},
    {{"--config=/nonexistent/agora.conf"}, "cannot read config file"},
  };
  for (auto& c : cases) {
    auto r = parse_config(c.args, db_env);
    INFO(c.args[0]);
    CHECK(r.outcome == parse_outcome::error);
    CHECK(r.error.find(c.mentions) != std::string::npos);
    CHECK(r.error.find('\n') == std::string::npos);
  }
  auto r = parse_config({}, {});
  CHECK(r.outcome == parse_outcome::error);
  CHECK(r.error.find("--database-url") != std::string::npos);
}

TEST_CASE("unknown keys and malformed lines in the config file are refused", "[config]") {
  auto unknown = temp_file("[http]\nprot = 1\n");
  auto r = parse_config({"--config=" + unknown}, db_env);
  CHECK(r.outcome == parse_outcome::error);
  CHECK(r.error.find(":2: unknown key 'http.prot'") != std::string::npos);
  auto malformed = temp_file("http.port 8080\n");
  r = parse_config({"--config=" + malformed}, db_env);
  CHECK(r.error.find(":1: expected key = value") != std::string::npos);
  std::remove(unknown.c_str());
  std::remove(malformed.c_str());
}

TEST_CASE("help and version are answered without starting", "[config]") {
  CHECK(parse_config({"--help"}, {}).outcome == parse_outcome::help);
  CHECK(parse_config({"--version"}, {}).outcome == parse_outcome::version);
}

TEST_CASE("passwords never reach the logs", "[config]") {
  CHECK(redact_url("postgresql://agora:s3cret@db:5432/agora")
        == "postgresql://agora:***@db:5432/agora");
  CHECK(redact_url("postgresql://agora@db/agora") == "postgresql://agora@db/agora");
  CHECK(redact_url("host=db") == "host=db");
}

TEST_CASE("mail options are parsed and checked", "[config][mail]") {
  auto env = db_env;
  env["AGORA_SMTP_PASSWORD"] = "from-the-environment";
  auto r = parse_config({"--smtp-url=smtps://mail.example:465", "--smtp-user=shop",
                         "--smtp-from=Shop <shop@example.com>", "--smtp-tls=required",
                         "--smtp-max-attempts=3", "--smtp-retry-base-ms=100",
                         "--smtp-retry-max-ms=800", "--smtp-timeout-ms=2000",
                         "--smtp-connect-timeout-ms=500", "--public-url=https://shop.example"},
                        env);
  REQUIRE(r.outcome == parse_outcome::run);
  auto& c = r.config;
  CHECK(c.smtp.url == "smtps://mail.example:465");
  CHECK(c.smtp.password == "from-the-environment");
  CHECK(c.smtp.tls == agora::mail::tls_mode::required);
  CHECK(c.notifications.retry.max_attempts == 3);
  CHECK(c.notifications.retry.base == std::chrono::milliseconds{100});
  CHECK(c.notifications.retry.max == std::chrono::milliseconds{800});
  CHECK(c.notifications.lease == std::chrono::milliseconds{2 * 2500 + 10000}); // > an exchange
  CHECK(c.public_url == "https://shop.example");

  auto refused = [&](std::string flag, std::string option) {
    auto bad = parse_config({flag}, db_env);
    INFO(flag << " -> " << bad.error);
    CHECK(bad.outcome == parse_outcome::error);
    CHECK(bad.error.rfind("--" + option + ":", 0) == 0);
  };
  refused("--smtp-url=http://mail.example", "smtp-url");
  refused("--smtp-tls=sometimes", "smtp-tls");
  refused("--smtp-from=not an address", "smtp-from");
  refused("--smtp-ca-file=/nonexistent/ca.pem", "smtp-ca-file");
  refused("--smtp-concurrency=0", "smtp-concurrency");
  refused("--smtp-retry-max-ms=10", "smtp-retry-max-ms"); // below the 2000 ms base
  refused("--public-url=shop.example", "public-url");
  auto secret = std::find_if(option_specs().begin(), option_specs().end(), [](auto& s) {
    return std::string{s.flag} == "smtp-password";
  });
  REQUIRE(secret != option_specs().end());
  CHECK(secret->secret);
}

TEST_CASE("timeouts are options, and the store timeout reaches every module", "[config]") {
  using std::chrono::milliseconds;
  auto r = parse_config({"--store-timeout-ms=1234", "--request-timeout-ms=250",
                         "--cluster-heartbeat-ms=200", "--cluster-timeout-ms=900",
                         "--drain-seconds=2", "--db-statement-timeout-ms=700",
                         "--db-acquire-timeout-ms=300", "--health-probe-ms=100",
                         "--health-timeout-ms=150", "--http-handle-timeout-seconds=60"},
                        db_env);
  REQUIRE(r.outcome == parse_outcome::run);
  auto& c = r.config;
  for (auto timeout : {c.orders.store_timeout, c.inventory.store_timeout, c.catalog.store_timeout,
                       c.shipping.store_timeout, c.notifications.store_timeout})
    CHECK(timeout == milliseconds{1234});
  CHECK(c.http.request_timeout == milliseconds{250});
  CHECK(c.cluster.heartbeat == milliseconds{200});
  CHECK(c.cluster.timeout == milliseconds{900});
  CHECK(c.drain == std::chrono::seconds{2});
  CHECK(c.database.statement_timeout == milliseconds{700});
  CHECK(c.database.acquire_timeout == milliseconds{300});
  CHECK(c.health.probe_interval == milliseconds{100});
  CHECK(c.health.probe_timeout == milliseconds{150});
  CHECK(c.http.handle_timeout == std::chrono::seconds{60});
  // The longest Prefer: wait is 30 s: a handler must be allowed longer.
  CHECK(parse_config({"--http-handle-timeout-seconds=20"}, db_env).outcome == parse_outcome::error);
}

TEST_CASE("every option but --config is read by the table into the configuration", "[config]") {
  for (auto& spec : option_specs()) {
    INFO(spec.flag);
    CHECK(static_cast<bool>(spec.read) == (std::string{spec.flag} != "config"));
    CHECK((*spec.key == '\0') == (std::string{spec.flag} == "config"));
  }
}
