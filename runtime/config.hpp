#pragma once

#include "actors/catalog.hpp"
#include "actors/domain/roles.hpp"
#include "actors/health.hpp"
#include "actors/inventory.hpp"
#include "actors/notification.hpp"
#include "actors/order.hpp"
#include "actors/payment.hpp"
#include "actors/shipping.hpp"
#include "cluster/directory.hpp"
#include "http/server.hpp"
#include "persistence/database.hpp"
#include "runtime/base/log.hpp"

#include "mail/smtp.hpp"
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

// The one place that reads flags, AGORA_* environment variables and the config file (in that
// order of precedence) and hands plain option structs to each module.
namespace agora::runtime {

struct node_config;

/// How an option's text becomes part of a node_config: nothing when it did, else why not (the
/// flag is prefixed by the caller).
using option_reader =
  std::function<std::optional<std::string>(const std::string& text, node_config& c)>;

/// One option: its names, its default, its help and how it is read. The table of these is the
/// whole configuration: --help, the environment, the file and the checks all come from it.
struct option_spec {
  const char* flag; ///< without the leading "--"
  const char* key;  ///< config-file key ("" for --config itself)
  const char* def;  ///< default, as text ("" for none)
  const char* help;
  option_reader read;
  bool secret = false; ///< never printed or logged
};

/// Every option agora understands, in --help order.
const std::vector<option_spec>& option_specs();

/// "http-port" → "AGORA_HTTP_PORT".
std::string env_name(const option_spec& spec);

struct node_config {
  bool has_role(domain::node_role role) const {
    return roles.has(role);
  }

  std::string node_id;
  domain::role_set roles;
  size_t scheduler_threads = 0; ///< 0: one per core
  bool record_messages = false; ///< every actor keeps its recent messages, watched or not
  log::level log_level = log::level::info;
  http::server_options http;
  persistence::database_options database;
  actors::health_options health;
  actors::inventory_options inventory;
  actors::catalog_options catalog;
  actors::order_options orders;
  actors::payment_options payment;
  actors::shipping_options shipping;
  cluster::transport_options cluster;
  std::string public_url; ///< empty: http://<http address>:<port>, once the port is known
  mail::smtp_options smtp;
  size_t smtp_concurrency = 4;
  actors::notification_options notifications;
  size_t store_workers = 2; ///< detached workers per blocking store (readers get twice as many)
  std::string config_file;  ///< the file read, if any
  std::chrono::seconds shutdown_limit{20}; ///< a longer shutdown logs its stuck step, exits 70
  std::chrono::seconds drain{5};           ///< in-flight requests may finish this long at a stop
  /// An actor's request to a store (and a load at start); set into every module's options.
  std::chrono::milliseconds store_timeout{30000};
  std::chrono::seconds session_ttl{86400}; ///< a customer session lasts this long
  std::chrono::seconds session_fresh{30};  ///< a cached session is re-read after this
  std::string order_token_secret;          ///< keys order access tokens; empty: shared via the DB
};

enum class parse_outcome { run, help, version, error };

struct parse_result {
  parse_outcome outcome = parse_outcome::error;
  node_config config;
  std::string error; ///< one line, for parse_outcome::error
};

/// Parses `args` (without argv[0]) and `env` (name → value). Reads the config file named by
/// --config or AGORA_CONFIG. Never throws, never exits.
parse_result parse_config(const std::vector<std::string>& args,
                          const std::map<std::string, std::string>& env);

/// The --help text.
std::string usage();

/// "<hostname>-<http port>", the node id when none is configured.
std::string default_node_id(uint16_t http_port);

/// A URL with any password replaced by "***", for logs.
std::string redact_url(const std::string& url);

} // namespace agora::runtime
