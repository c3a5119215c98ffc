#include "runtime/node.hpp"

#include "http/session_cache.hpp"
#include "persistence/migrations.hpp"
#include "runtime/actor_system.hpp"
#include "runtime/assembly.hpp"
#include "runtime/base/log.hpp"
#include "runtime/vital.hpp"

#include <iostream>
#include <signal.h>
#include <unistd.h>

extern char** environ;

namespace agora::runtime {

namespace {

constexpr const char* version = "0.1.0";

/// The journal's writer, or ("effects") the second one: inventory changes and charges commit on
/// their own connection and thread, so the two group commits overlap instead of queueing behind
/// each other. Jobs of one order never race: an order waits for each write before its next, and
/// stock rows change only through this writer. Both linger for fuller batches, the journal only
/// while no queued append is one a client waits for (a 202 never waits for the linger).
persistence::writer_options writer_options(const node_config& c, const char* name) {
  persistence::writer_options o;
  o.name = name;
  o.statement_timeout = c.database.statement_timeout;
  o.linger =
    std::string_view{name} == "effects" ? c.database.effects_linger : c.database.journal_linger;
  return o;
}

bool prepare_database(const node_config& c, std::string& error) {
  error = persistence::wait_for_database(c.database);
  if (!error.empty()) {
    error = "database unreachable at " + redact_url(c.database.url) + ": " + error;
    return false;
  }
  try {
    auto conn = persistence::connect(c.database.url);
    auto report = persistence::apply_migrations(*conn, persistence::builtin_migrations());
    log::info("database.ready")
      .kv("migrations_applied", report.applied.size())
      .kv("migrations_present", report.already);
    return true;
  } catch (const std::exception& e) {
    error = std::string{"database migration failed: "} + e.what();
    return false;
  }
}

/// One unit per role, in the order they start (inventory first: orders and the door use it).
const std::pair<domain::node_role, void (*)(node&)> role_units[] = {
  {domain::node_role::inventory, spawn_inventory},
  {domain::node_role::payment, spawn_payment},
  {domain::node_role::shipping, spawn_shipping},
  {domain::node_role::orders, spawn_orders},
  {domain::node_role::notification, spawn_notification},
};

void start(node& n) {
  spawn_base(n);
  for (auto& [role, spawn] : role_units)
    if (n.c.has_role(role))
      spawn(n);
  connect(n);
  auto http = n.c.http;
  http.sessions = n.services.sessions;
  n.door = std::make_unique<http::server>(http, routes(n), n.metrics);
  n.door->start();
}

/// Hands every shard over (each host lands its writes first), gives the leases back and marks
/// the member left, so the survivors take over at once instead of after a lease TTL.
void leave(node& n) {
  if (!n.keeper)
    return;
  caf::scoped_actor self{*n.sys};
  self->request(n.keeper, n.c.store_timeout + n.c.orders.step_timeout, protocol::leave_atom_v)
    .receive([](bool) {},
             [](caf::error& err) {
               log::warn("node.leave_failed").kv("error", to_string(err));
             });
}

/// The door (whose routes hold actor handles), then the actors (a detached actor's thread ends
/// only when the last handle to it is gone), then CAF, the writers, the pool.
void teardown(node& n, shutdown_watchdog* watchdog = nullptr) {
  auto step = [&](const char* name) {
    if (watchdog)
      watchdog->step(name);
  };
  step("actors");
  n.door.reset();
  auto stop = [](const auto& h) {
    if (h)
      caf::anon_send_exit(h, caf::exit_reason::user_shutdown);
  };
  stop(n.services.health);
  stop(n.services.catalog);
  for (auto& s : n.services.shards)
    stop(s);
  for (auto& a : n.owned)
    stop(a);
  n.services = {};
  n.probe = nullptr;
  n.order_store = nullptr;
  n.directory = nullptr;
  n.leases = nullptr;
  n.keeper = nullptr;
  n.order_host = nullptr;
  n.order_routing = nullptr;
  n.inventory_host = nullptr;
  n.owned.clear();
  step("actor_system");
  n.sys.reset(); // waits for every actor to finish
  step("journal_writer");
  n.journal.stop();
  step("effects_writer");
  n.effects.stop();
  step("pool");
  n.pool.close();
}

/// The actors without which the node cannot serve what it claims: its stores and services, its
/// health and catalog, the cluster's order router.
std::vector<caf::actor> vital_actors(const node& n) {
  auto out = n.owned;
  out.push_back(caf::actor_cast<caf::actor>(n.services.health));
  out.push_back(caf::actor_cast<caf::actor>(n.services.catalog));
  out.push_back(caf::actor_cast<caf::actor>(n.order_routing));
  return out;
}

/// What the configuration leaves to the start: the port, the node id and the links in mails.
node_config settle(const node_config& config) {
  auto c = config;
  c.http.port = resolve_port(c.http.address, c.http.port, c.cluster.port);
  if (c.node_id.empty())
    c.node_id = default_node_id(c.http.port);
  if (c.public_url.empty())
    c.public_url = "http://"
                   + (c.http.address == "0.0.0.0" ? std::string{"localhost"} : c.http.address) + ":"
                   + std::to_string(c.http.port);
  c.orders.public_url = c.public_url;
  c.inventory.public_url = c.public_url;
  return c;
}

} // namespace

node::node(const node_config& config)
  : c(config), metrics(version, c.node_id), registry(c.node_id, metrics.registry()),
    pool(c.database, metrics.registry()),
    journal(c.database.url, metrics.registry(), writer_options(c, "journal")),
    effects(c.database.url, metrics.registry(), writer_options(c, "effects")) {
  registry.record_always(c.record_messages);
  registry.count_with([this] {
    return metrics.sample();
  });
  configure_actor_system(cfg, c.scheduler_threads, c.cluster);
  sys = std::make_unique<caf::actor_system>(cfg);
}

int run_node(const node_config& config) {
  auto stop_signals = block_stop_signals();
  auto c = settle(config);
  if (c.http.port == 0)
    return fail("no free port to serve HTTP on " + c.http.address);
  log::set_level(c.log_level);
  log::set_node(c.node_id);
  log::info("node.starting")
    .kv("version", version)
    .kv("roles", domain::names(c.roles))
    .kv("database", redact_url(c.database.url))
    .kv("config_file", c.config_file);
  std::string error;
  if (!prepare_database(c, error))
    return fail(error);
  node n{c};
  try {
    start(n);
  } catch (const std::exception& e) {
    teardown(n);
    return fail(e.what());
  }
  auto watch = std::make_shared<vital_watch>();
  auto watcher = spawn_vital_watch(*n.sys, vital_actors(n), watch, [] {
    ::kill(::getpid(), SIGTERM); // wait_for_stop() takes it: the node leaves as on SIGTERM
  });
  log::info("node.started")
    .kv("url", "http://" + c.http.address + ":" + std::to_string(n.door->port()))
    .kv("node_id", c.node_id);
  auto signal = wait_for_stop(stop_signals); // before the line: its time is when it is made
  log::info("node.stopping").kv("signal", signal);
  watch->stopping = true;
  caf::anon_send_exit(watcher, caf::exit_reason::user_shutdown);
  shutdown_watchdog watchdog{c.shutdown_limit};
  n.door->stop(c.drain);
  watchdog.step("leave");
  leave(n);
  teardown(n, &watchdog);
  log::info("node.stopped");
  return watch->failed ? fail("stopped: an actor the node needs failed (see node.actor_failed)")
                       : 0;
}

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::map<std::string, std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string kv{*e};
    auto eq = kv.find('=');
    if (kv.rfind("AGORA_", 0) == 0 && eq != std::string::npos)
      env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  auto parsed = parse_config(args, env);
  switch (parsed.outcome) {
    case parse_outcome::help: std::cout << usage(); return 0;
    case parse_outcome::version: std::cout << "agora " << version << "\n"; return 0;
    case parse_outcome::error: fail(parsed.error); return 2;
    case parse_outcome::run: break;
  }
  return run_node(parsed.config);
}

} // namespace agora::runtime
