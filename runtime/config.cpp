#include "runtime/config.hpp"

#include "actors/domain/email.hpp"
#include "actors/domain/validation.hpp"
#include "http/request_context.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace agora::runtime {

const std::vector<option_spec>& option_specs() {
  static const std::vector<option_spec> specs{
    {"config", "", "", "read options from this file (key = value lines, [section] headers)"},
    {"http-address", "http.address", "127.0.0.1", "address the front door listens on"},
    {"http-port", "http.port", "8080", "front door port (0 picks a free one and logs it)"},
    {"http-threads", "http.threads", "2", "front door I/O threads"},
    {"http-max-connections", "http.max_connections", "1024", "open connections accepted at once"},
    {"http-max-in-flight", "http.max_in_flight", "4096",
     "requests being handled at once; beyond it the door answers 503 with Retry-After"},
    {"database-url", "database.url", "",
     "PostgreSQL URL, e.g. postgresql://agora@127.0.0.1:5432/agora (required)", true},
    {"db-pool-size", "db.pool_size", "12", "database connections for the store actors"},
    {"store-workers", "db.store_workers", "2",
     "detached workers per blocking store (payments, shipping; readers get twice as many)"},
    {"db-wait-seconds", "db.wait_seconds", "30",
     "how long start-up waits for the database before giving up"},
    {"auth-tokens", "auth.tokens", "",
     "admin bearer tokens as token:role,token:role (roles: admin, operator; tokens >= 16 chars)",
     true},
    {"node-id", "node.id", "", "this node's cluster-wide name [<hostname>-<http port>]"},
    {"cluster-address", "cluster.address", "127.0.0.1",
     "address of this node's cluster directory (CAF middleman); keep it private"},
    {"cluster-port", "cluster.port", "0",
     "port of this node's cluster directory; 0: publish nothing (a node on its own)"},
    {"seeds", "cluster.seeds", "",
     "other nodes' cluster endpoints, host:port,host:port; roles this node lacks are found there"},
    {"seed-wait-seconds", "cluster.seed_wait_seconds", "30",
     "how long start-up waits for the seeds to serve a missing role"},
    {"roles", "node.roles", "all",
     "actors this node hosts: all, or a list of frontdoor,orders,inventory,payment,shipping,"
     "notification"},
    {"inventory-shards", "inventory.shards", "8",
     "inventory shards (product id modulo shards); every node must use the same number"},
    {"ops-email", "ops.email", "ops@localhost", "recipient of LOW_INVENTORY_ALERT mails"},
    {"public-url", "public.url", "",
     "base of the links in mails, e.g. https://shop.example [http://<http-address>:<http-port>]"},
    {"smtp-url", "smtp.url", "",
     "SMTP server for notification mail: smtp://host:port (STARTTLS when offered) or "
     "smtps://host:port (TLS); empty: mail stays QUEUED in the outbox"},
    {"smtp-user", "smtp.user", "", "SMTP AUTH user (empty: no AUTH)"},
    {"smtp-password", "smtp.password", "", "SMTP AUTH password; never logged", true},
    {"smtp-from", "smtp.from", "agora <no-reply@agora.localhost>", "sender of every mail"},
    {"smtp-tls", "smtp.tls", "auto",
     "auto (smtps: TLS; smtp: STARTTLS when offered), required (STARTTLS or no delivery), none"},
    {"smtp-ca-file", "smtp.ca_file", "",
     "PEM certificates to trust for the SMTP server (e.g. a self-signed one)"},
    {"smtp-connect-timeout-ms", "smtp.connect_timeout_ms", "10000", "SMTP connect deadline"},
    {"smtp-timeout-ms", "smtp.timeout_ms", "30000", "deadline of one whole SMTP exchange"},
    {"smtp-concurrency", "smtp.concurrency", "4", "mails in flight at once on this node"},
    {"smtp-max-attempts", "smtp.max_attempts", "8",
     "attempts per mail before it is FAILED (an unreachable server does not use them up)"},
    {"smtp-retry-base-ms", "smtp.retry_base_ms", "2000",
     "first retry delay; doubles per attempt, with jitter"},
    {"smtp-retry-max-ms", "smtp.retry_max_ms", "600000", "longest retry delay"},
    {"mail-poll-ms", "mail.poll_ms", "500", "how often an idle notification node looks for mail"},
    {"shipping-step-seconds", "shipping.step_seconds", "30",
     "the simulated carrier moves each shipment one step on after this long (0: manual only)"},
    {"payment-latency-ms", "payment.latency_ms", "0", "simulated card gateway round trip"},
    {"order-step-timeout-ms", "orders.step_timeout_ms", "5000",
     "deadline of one saga step attempt; after 3 failed attempts the order compensates"},
    {"orders-max-in-progress", "orders.max_in_progress", "1000",
     "new orders get 503 + Retry-After while this many orders on the node are PENDING or "
     "RESERVED (0: no limit)"},
    {"order-idle-seconds", "orders.idle_seconds", "60",
     "an order actor idle this long passivates (its journal re-activates it)"},
    {"scheduler-threads", "scheduler.threads", "0", "actor scheduler threads (0: one per core)"},
    {"shutdown-seconds", "shutdown.seconds", "20",
     "longest a SIGTERM/SIGINT shutdown may take; beyond it the node logs the step that hung and "
     "exits 70"},
    {"log-level", "log.level", "info", "debug, info, warn or error"},
  };
  return specs;
}

std::string env_name(const option_spec& spec) {
  std::string out = "AGORA_";
  for (const char* p = spec.flag; *p; ++p)
    out += *p == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(*p)));
  return out;
}

std::string redact_url(const std::string& url) {
  auto scheme = url.find("://");
  auto at = url.find('@', scheme == std::string::npos ? 0 : scheme + 3);
  if (scheme == std::string::npos || at == std::string::npos)
    return url;
  auto colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at)
    return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

std::string usage() {
  std::ostringstream out;
  out
    << "agora: a node of the agora order pipeline\n\n"
       "usage: agora [--option=value ...]\n\n"
       "Every option also comes from an AGORA_* environment variable or a config-file key;\n"
       "flags win over the environment, the environment over the file, the file over defaults.\n\n";
  for (auto& s : option_specs()) {
    out << "  --" << s.flag << "=VALUE\n      " << s.help << "\n      env " << env_name(s);
    if (*s.key)
      out << ", file key " << s.key;
    if (*s.def)
      out << ", default " << s.def;
    out << "\n";
  }
  out << "  --help, --version\n";
  return out.str();
}

namespace {

const option_spec* by_flag(std::string_view flag) {
  for (auto& s : option_specs())
    if (flag == s.flag)
      return &s;
  return nullptr;
}

const option_spec* by_key(std::string_view key) {
  for (auto& s : option_specs())
    if (*s.key && key == s.key)
      return &s;
  return nullptr;
}

std::string trim(std::string s) {
  auto b = s.find_first_not_of(" \t\r");
  auto e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? std::string{} : s.substr(b, e - b + 1);
}

/// key = value lines; "[section]" prefixes the keys below it; '#' and ';' start comments.
bool read_file(const std::string& path, std::map<std::string, std::string>& out,
               std::string& error) {
  std::ifstream in{path};
  if (!in) {
    error = "cannot read config file " + path;
    return false;
  }
  std::string line, section;
  for (int n = 1; std::getline(in, line); ++n) {
    line = trim(line);
    if (line.empty() || line[0] == '#' || line[0] == ';')
      continue;
    auto where = path + ":" + std::to_string(n) + ": ";
    if (line.front() == '[') {
      if (line.back() != ']') {
        error = where + "malformed section header";
        return false;
      }
      section = trim(line.substr(1, line.size() - 2));
      continue;
    }
    auto eq = line.find('=');
    if (eq == std::string::npos) {
      error = where + "expected key = value";
      return false;
    }
    auto key = trim(line.substr(0, eq));
    auto value = trim(line.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
      value = value.substr(1, value.size() - 2);
    if (!section.empty())
      key = section + "." + key;
    if (!by_key(key)) {
      error = where + "unknown key '" + key + "'";
      return false;
    }
    out[key] = value;
  }
  return true;
}

template <class T>
bool number(const std::string& text, T min, T max, T& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size() && out >= min && out <= max;
}

bool build_mail(const std::map<std::string, std::string>& v, node_config& c, std::string& error) {
  auto bad = [&](const char* flag, const std::string& why) {
    error = "--" + std::string{flag} + ": " + why;
    return false;
  };
  unsigned long long n = 0;
  c.public_url = v.at("public.url");
  if (!c.public_url.empty() && c.public_url.rfind("http://", 0) != 0
      && c.public_url.rfind("https://", 0) != 0)
    return bad("public-url", "must start with http:// or https://");
  auto& s = c.smtp;
  s.url = v.at("smtp.url");
  if (!s.url.empty() && s.url.rfind("smtp://", 0) != 0 && s.url.rfind("smtps://", 0) != 0)
    return bad("smtp-url", "must start with smtp:// or smtps://");
  s.user = v.at("smtp.user");
  s.password = v.at("smtp.password");
  s.from = v.at("smtp.from");
  if (!domain::valid_email(domain::address_of(s.from)))
    return bad("smtp-from", "must be an address or Name <address>");
  auto tls = v.at("smtp.tls");
  if (tls == "auto")
    s.tls = mail::tls_mode::automatic;
  else if (tls == "required")
    s.tls = mail::tls_mode::required;
  else if (tls == "none")
    s.tls = mail::tls_mode::none;
  else
    return bad("smtp-tls", "must be auto, required or none");
  s.ca_file = v.at("smtp.ca_file");
  if (!s.ca_file.empty() && ::access(s.ca_file.c_str(), R_OK) != 0)
    return bad("smtp-ca-file", "cannot read " + s.ca_file);
  if (!number(v.at("smtp.connect_timeout_ms"), 100ULL, 600000ULL, n))
    return bad("smtp-connect-timeout-ms", "must be 100..600000");
  s.connect_timeout = std::chrono::milliseconds{n};
  if (!number(v.at("smtp.timeout_ms"), 100ULL, 600000ULL, n))
    return bad("smtp-timeout-ms", "must be 100..600000");
  s.timeout = std::chrono::milliseconds{n};
  if (!number(v.at("smtp.concurrency"), 1ULL, 64ULL, n))
    return bad("smtp-concurrency", "must be 1..64");
  c.smtp_concurrency = n;
  auto& d = c.notifications;
  if (!number(v.at("smtp.max_attempts"), 1ULL, 100ULL, n))
    return bad("smtp-max-attempts", "must be 1..100");
  d.retry.max_attempts = static_cast<int>(n);
  if (!number(v.at("smtp.retry_base_ms"), 10ULL, 3600000ULL, n))
    return bad("smtp-retry-base-ms", "must be 10..3600000");
  d.retry.base = std::chrono::milliseconds{n};
  if (!number(v.at("smtp.retry_max_ms"), 10ULL, 86400000ULL, n)
      || std::chrono::milliseconds{n} < d.retry.base)
    return bad("smtp-retry-max-ms", "must be 10..86400000 and at least --smtp-retry-base-ms");
  d.retry.max = std::chrono::milliseconds{n};
  if (!number(v.at("mail.poll_ms"), 10ULL, 60000ULL, n))
    return bad("mail-poll-ms", "must be 10..60000");
  d.poll = std::chrono::milliseconds{n};
  // A claim outlives the longest exchange, so a row is never sent twice by two live claimers.
  d.lease = 2 * (s.connect_timeout + s.timeout) + std::chrono::seconds{10};
  return true;
}

/// Turns the merged text values into typed options; false with `error` on the first bad one.
bool build(const std::map<std::string, std::string>& v, node_config& c, std::string& error) {
  auto bad = [&](const char* flag, const std::string& why) {
    error = "--" + std::string{flag} + ": " + why;
    return false;
  };
  unsigned long long n = 0;
  c.http.address = v.at("http.address");
  if (!number(v.at("http.port"), 0ULL, 65535ULL, n))
    return bad("http-port", "must be a port number 0..65535, not '" + v.at("http.port") + "'");
  c.http.port = static_cast<uint16_t>(n);
  if (!number(v.at("http.threads"), 1ULL, 64ULL, n))
    return bad("http-threads", "must be 1..64");
  c.http.threads = n;
  if (!number(v.at("http.max_connections"), 1ULL, 1000000ULL, n))
    return bad("http-max-connections", "must be 1..1000000");
  c.http.max_connections = n;
  if (!number(v.at("http.max_in_flight"), 1ULL, 1000000ULL, n))
    return bad("http-max-in-flight", "must be 1..1000000");
  c.http.max_in_flight = n;
  c.database.url = v.at("database.url");
  if (c.database.url.empty())
    return bad("database-url", "is required (or set AGORA_DATABASE_URL)");
  if (!number(v.at("db.pool_size"), 1ULL, 256ULL, n))
    return bad("db-pool-size", "must be 1..256");
  c.database.pool_size = n;
  if (!number(v.at("db.wait_seconds"), 0ULL, 3600ULL, n))
    return bad("db-wait-seconds", "must be 0..3600");
  c.database.wait_at_start = std::chrono::seconds{n};
  if (!number(v.at("shutdown.seconds"), 1ULL, 3600ULL, n))
    return bad("shutdown-seconds", "must be 1..3600");
  c.shutdown_limit = std::chrono::seconds{n};
  std::string why;
  auto tokens = http::parse_tokens(v.at("auth.tokens"), why);
  if (!tokens)
    return bad("auth-tokens", why);
  c.http.tokens = std::move(*tokens);
  if (!number(v.at("inventory.shards"), 1ULL, 1024ULL, n))
    return bad("inventory-shards", "must be 1..1024");
  c.inventory.shards = static_cast<uint32_t>(n);
  c.inventory.ops_email = v.at("ops.email");
  if (!domain::valid_email(c.inventory.ops_email) && c.inventory.ops_email != "ops@localhost")
    return bad("ops-email", "must be an email address");
  if (!number(v.at("db.store_workers"), 1ULL, 64ULL, n))
    return bad("store-workers", "must be 1..64");
  c.store_workers = n;
  if (!number(v.at("shipping.step_seconds"), 0ULL, 86400ULL, n))
    return bad("shipping-step-seconds", "must be 0..86400");
  c.shipping.step = std::chrono::seconds{n};
  if (!number(v.at("payment.latency_ms"), 0ULL, 60000ULL, n))
    return bad("payment-latency-ms", "must be 0..60000");
  c.payment.latency = std::chrono::milliseconds{n};
  if (!number(v.at("orders.step_timeout_ms"), 10ULL, 600000ULL, n))
    return bad("order-step-timeout-ms", "must be 10..600000");
  c.orders.step_timeout = std::chrono::milliseconds{n};
  if (!number(v.at("orders.max_in_progress"), 0ULL, 10000000ULL, n))
    return bad("orders-max-in-progress", "must be 0..10000000");
  c.orders.max_in_progress = static_cast<int64_t>(n);
  if (!number(v.at("orders.idle_seconds"), 1ULL, 86400ULL, n))
    return bad("order-idle-seconds", "must be 1..86400");
  c.orders.idle = std::chrono::seconds{n};
  if (!number(v.at("scheduler.threads"), 0ULL, 256ULL, n))
    return bad("scheduler-threads", "must be 0..256");
  c.scheduler_threads = n;
  if (!log::parse_level(v.at("log.level"), c.log_level))
    return bad("log-level", "must be debug, info, warn or error");
  c.roles = {};
  std::stringstream roles{v.at("node.roles")};
  for (std::string role; std::getline(roles, role, ',');) {
    role = trim(role);
    if (role == "all") {
      c.roles = domain::role_set::all();
      break;
    }
    auto known = domain::from_text<domain::node_role>(role);
    if (!known)
      return bad("roles", "unknown role '" + role + "'");
    c.roles.add(*known);
  }
  if (c.roles.empty())
    return bad("roles", "name at least one role");
  c.cluster.address = v.at("cluster.address");
  if (!number(v.at("cluster.port"), 0ULL, 65535ULL, n))
    return bad("cluster-port", "must be a port number 0..65535");
  c.cluster.port = static_cast<uint16_t>(n);
  auto seeds = cluster::parse_endpoints(v.at("cluster.seeds"));
  if (!seeds)
    return bad("seeds", "expected host:port[,host:port...]");
  c.cluster.seeds = std::move(*seeds);
  if (!number(v.at("cluster.seed_wait_seconds"), 0ULL, 3600ULL, n))
    return bad("seed-wait-seconds", "must be 0..3600");
  c.cluster.wait = std::chrono::seconds{n};
  using domain::node_role;
  for (auto role : {node_role::orders, node_role::frontdoor})
    if (c.has_role(role) && !c.has_role(node_role::inventory))
      return bad("roles", "the " + std::string{domain::to_string(role)}
                            + " role needs the inventory role on the same node");
  if (c.has_role(node_role::orders) != c.has_role(node_role::frontdoor))
    return bad("roles", "the orders and frontdoor roles go together");
  if (!build_mail(v, c, error))
    return false;
  c.node_id = v.at("node.id"); // empty: default_node_id() once the port is known
  if (c.node_id.size() > 128)
    return bad("node-id", "must be at most 128 characters");
  return true;
}

} // namespace

std::string default_node_id(uint16_t http_port) {
  char buf[256] = {};
  std::string host = ::gethostname(buf, sizeof(buf) - 1) == 0 && buf[0] ? buf : "agora";
  return host + "-" + std::to_string(http_port);
}

parse_result parse_config(const std::vector<std::string>& args,
                          const std::map<std::string, std::string>& env) {
  parse_result r;
  std::map<std::string, std::string> flags; // key → value
  std::string config_file;
  for (size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    if (a == "--help" || a == "-h") {
      r.outcome = parse_outcome::help;
      return r;
    }
    if (a == "--version") {
      r.outcome = parse_outcome::version;
      return r;
    }
    if (a.rfind("--", 0) != 0) {
      r.error = "unexpected argument '" + a + "' (options look like --name=value)";
      return r;
    }
    auto eq = a.find('=');
    auto name = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    auto* spec = by_flag(name);
    if (!spec) {
      r.error = "unknown option --" + name + " (see agora --help)";
      return r;
    }
    std::string value;
    if (eq != std::string::npos) {
      value = a.substr(eq + 1);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      r.error = "--" + name + " needs a value";
      return r;
    }
    if (name == "config")
      config_file = value;
    else
      flags[spec->key] = value;
  }
  if (config_file.empty()) {
    auto e = env.find("AGORA_CONFIG");
    if (e != env.end())
      config_file = e->second;
  }
  std::map<std::string, std::string> values;
  for (auto& s : option_specs())
    if (*s.key)
      values[s.key] = s.def;
  if (!config_file.empty()) {
    std::map<std::string, std::string> from_file;
    if (!read_file(config_file, from_file, r.error))
      return r;
    for (auto& [k, v] : from_file)
      values[k] = v;
  }
  for (auto& s : option_specs()) {
    auto e = env.find(env_name(s));
    if (*s.key && e != env.end())
      values[s.key] = e->second;
  }
  for (auto& [k, v] : flags)
    values[k] = v;
  if (!build(values, r.config, r.error))
    return r;
  r.config.config_file = config_file;
  r.outcome = parse_outcome::run;
  return r;
}

} // namespace agora::runtime
