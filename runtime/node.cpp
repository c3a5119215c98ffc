#include "runtime/node.hpp"

#include "actors/catalog.hpp"
#include "actors/health.hpp"
#include "actors/inventory.hpp"
#include "actors/notification.hpp"
#include "actors/order_metrics.hpp"
#include "actors/order_router.hpp"
#include "actors/payment.hpp"
#include "actors/shipping.hpp"
#include "cluster/directory.hpp"
#include "cluster/role_proxy.hpp"
#include "http/catalog_routes.hpp"
#include "http/ops_routes.hpp"
#include "http/order_routes.hpp"
#include "http/server.hpp"
#include "persistence/catalog_store.hpp"
#include "persistence/database.hpp"
#include "persistence/inventory_store.hpp"
#include "persistence/migrations.hpp"
#include "persistence/order_store.hpp"
#include "persistence/outbox_store.hpp"
#include "persistence/payment_store.hpp"
#include "persistence/probe_store.hpp"
#include "persistence/read_store.hpp"
#include "persistence/shipping_store.hpp"
#include "persistence/writer.hpp"
#include "runtime/actor_system.hpp"
#include "runtime/base/actor_registry.hpp"
#include "runtime/base/log.hpp"
#include "runtime/base/metrics.hpp"

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

#include "mail/smtp.hpp"
#include <arpa/inet.h>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace agora::runtime {

namespace {

constexpr const char* version = "0.1.0";

int fail(const std::string& why) {
  std::fprintf(stderr, "agora: %s\n", why.c_str());
  return 1;
}

/// Blocks SIGINT and SIGTERM in this thread and every thread it starts, so that only the
/// sigwait() in run_node sees them.
sigset_t block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

/// Stopping must end. Each step of a shutdown is named here; if the whole shutdown takes longer
/// than `limit` (a database call that never returns, an actor that never quits), the log names
/// the step that hung and the process exits with 70 instead of waiting for an orchestrator's
/// SIGKILL, which would end it without saying why.
class shutdown_watchdog {
 public:
  explicit shutdown_watchdog(std::chrono::seconds limit)
    : thread_{[this, limit] {
        watch(limit);
      }} {}
  shutdown_watchdog(const shutdown_watchdog&) = delete;
  shutdown_watchdog& operator=(const shutdown_watchdog&) = delete;
  ~shutdown_watchdog() {
    {
      std::lock_guard<std::mutex> guard{mutex_};
      done_ = true;
    }
    ended_.notify_all();
    thread_.join();
  }

  void step(const char* name) {
    std::lock_guard<std::mutex> guard{mutex_};
    step_ = name;
  }

 private:
  void watch(std::chrono::seconds limit) {
    std::unique_lock<std::mutex> guard{mutex_};
    if (ended_.wait_for(guard, limit, [this] {
          return done_;
        }))
      return;
    log::error("node.shutdown_stuck").kv("step", step_).kv("seconds", long{limit.count()});
    std::_Exit(70);
  }

  std::mutex mutex_;
  std::condition_variable ended_;
  bool done_ = false;
  const char* step_ = "http";
  std::thread thread_;
};

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

/// Port 0 means "any free port": pick one now, so that the node id, the members row and the
/// logs all carry the port actually served.
uint16_t resolve_port(const std::string& address, uint16_t port) {
  if (port != 0)
    return port;
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  if (::inet_pton(AF_INET, address.c_str(), &addr.sin_addr) != 1)
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  uint16_t found = 0;
  if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) == 0
      && ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    found = ntohs(addr.sin_port);
  if (fd >= 0)
    ::close(fd);
  return found;
}

/// Inventory changes and charges commit on a second writer (its own connection and thread): the
/// two group commits overlap instead of queueing behind each other. Jobs of one order never race:
/// an order waits for each write before its next, and stock rows change only through this writer.
persistence::writer_options effects_writer_options() {
  persistence::writer_options o;
  o.name = "effects";
  return o;
}

/// Everything a running node owns, torn down in reverse order of construction.
struct node_parts {
  const node_config& c;
  metrics::hub metrics;
  actor_registry registry;
  persistence::connection_pool pool;
  persistence::writer writer;         ///< group commits of order journals
  persistence::writer effects_writer; ///< group commits of stock changes and charges, alongside
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  http::services services;
  protocol::probe_store_actor probe;
  std::vector<caf::actor> stores; ///< to stop at shutdown
  std::unique_ptr<actors::order_metrics> order_metrics;
  protocol::order_store_actor order_store;
  protocol::directory_actor directory;
  protocol::notification_actor notification;
  std::unique_ptr<http::server> door;

  explicit node_parts(const node_config& config)
    : c(config), metrics(version, c.node_id), registry(c.node_id, metrics.registry()),
      pool(c.database, metrics.registry()), writer(c.database.url, metrics.registry()),
      effects_writer(c.database.url, metrics.registry(), effects_writer_options()) {
    configure_actor_system(cfg, c.scheduler_threads);
    sys = std::make_unique<caf::actor_system>(cfg);
  }

  /// Spawns stores and actors for this node's roles; snapshots load synchronously, before the
  /// door opens. Roles this node lacks are found on the seeds.
  void spawn_actors() {
    persistence::member_info me{c.node_id, c.http.address + ":" + std::to_string(c.http.port),
                                c.roles};
    probe = persistence::spawn_probe_store(*sys, pool, me, registry);
    keep(probe);
    services.sys = sys.get();
    services.bridges = std::make_shared<http::bridge_pool>(*sys, 4, registry);
    services.metrics = &metrics;
    services.health = actors::spawn_health(*sys, probe, c.health, registry);
    services.reads = persistence::spawn_read_store(*sys, pool, 2 * c.store_workers, registry);
    keep(services.reads);
    if (c.has_role(domain::node_role::inventory))
      spawn_inventory();
    if (c.has_role(domain::node_role::payment))
      services.payments =
        actors::spawn_payments(*sys,
                               keep(persistence::spawn_payment_store(*sys, pool, effects_writer,
                                                                     c.store_workers, registry)),
                               c.payment, registry, metrics.registry());
    if (c.has_role(domain::node_role::shipping))
      services.shipping =
        actors::spawn_shipping(*sys,
                               keep(persistence::spawn_shipping_store(*sys, pool, effects_writer,
                                                                      c.store_workers, registry)),
                               c.shipping, registry, metrics.registry());
    if (c.has_role(domain::node_role::orders))
      spawn_orders();
    if (c.has_role(domain::node_role::notification))
      spawn_mail();
    connect();
  }

  /// Inventory shards (loaded from their store) and the catalog over them.
  void spawn_inventory() {
    auto inventory_store =
      keep(persistence::spawn_inventory_store(*sys, pool, effects_writer, registry));
    auto catalog_store = keep(persistence::spawn_catalog_store(*sys, pool, registry));
    caf::scoped_actor self{*sys};
    for (uint32_t shard = 0; shard < c.inventory.shards; ++shard) {
      auto snap = ask<protocol::shard_snapshot>(self, inventory_store, protocol::load_atom_v, shard,
                                                c.inventory.shards);
      services.shards.push_back(actors::spawn_inventory_shard(
        *sys, shard, std::move(snap), inventory_store, c.inventory, registry, metrics.registry()));
    }
    auto products = ask<std::vector<domain::product>>(self, catalog_store, protocol::load_atom_v);
    log::info("node.loaded").kv("products", products.size()).kv("shards", c.inventory.shards);
    services.catalog = actors::spawn_catalog(*sys, std::move(products), catalog_store,
                                             services.shards, c.catalog, registry);
  }

  /// The outbox dispatcher and its SMTP workers; without an SMTP URL mail waits in the outbox.
  void spawn_mail() {
    if (c.smtp.url.empty()) {
      log::warn("mail.disabled").kv("reason", "no --smtp-url; notifications stay QUEUED");
      return;
    }
    mail::init_transport();
    std::vector<protocol::mailer_actor> mailers;
    for (size_t i = 0; i < c.smtp_concurrency; ++i)
      mailers.push_back(keep(mail::spawn_mailer(*sys, c.smtp, registry)));
    auto store = keep(persistence::spawn_outbox_store(*sys, pool, 1, registry));
    notification = keep(actors::spawn_notification(*sys, store, std::move(mailers), c.notifications,
                                                   metrics.registry(), registry));
    log::info("mail.enabled")
      .kv("smtp", redact_url(c.smtp.url))
      .kv("concurrency", c.smtp_concurrency)
      .kv("max_attempts", c.notifications.retry.max_attempts);
  }

  /// The order store; the router follows in connect(), once payments and shipping are found.
  void spawn_orders() {
    order_store = keep(persistence::spawn_order_store(*sys, writer, registry));
    order_metrics = std::make_unique<actors::order_metrics>(metrics.registry());
  }

  /// Finds the roles this node lacks on its seeds, spawns the order router over them, publishes
  /// this node's services and tells shipping where orders are. A node with orders resolves
  /// before it publishes; one without publishes first: two nodes starting together never wait
  /// on each other.
  void connect() {
    auto need = [&](domain::node_role role) {
      log::info("cluster.resolving").kv("role", domain::to_string(role));
      // Through a proxy that finds the role again when its node dies or restarts.
      return keep(cluster::spawn_role_proxy(
        *sys, role, cluster::resolve_role(*sys, role, c.cluster), c.cluster));
    };
    if (c.has_role(domain::node_role::orders)) {
      if (!services.payments)
        services.payments =
          caf::actor_cast<protocol::payment_actor>(need(domain::node_role::payment));
      if (!services.shipping)
        services.shipping =
          caf::actor_cast<protocol::shipping_actor>(need(domain::node_role::shipping));
      actors::order_peers peers{order_store,       services.shards,     services.payments,
                                services.shipping, order_metrics.get(), &registry};
      services.orders = actors::spawn_order_router(*sys, services.reads, peers, c.orders);
    }
    if (c.cluster.port != 0)
      directory = cluster::publish_directory(*sys, published(), c.cluster);
    if (services.shipping && c.has_role(domain::node_role::shipping)) {
      auto orders = services.orders ? caf::actor_cast<caf::actor>(services.orders)
                                    : need(domain::node_role::orders);
      caf::anon_send(services.shipping, protocol::track_atom_v,
                     caf::actor_cast<protocol::order_router_actor>(orders));
    }
  }

  std::map<domain::node_role, caf::actor> published() const {
    std::map<domain::node_role, caf::actor> out;
    if (c.has_role(domain::node_role::payment))
      out.emplace(domain::node_role::payment, caf::actor_cast<caf::actor>(services.payments));
    if (c.has_role(domain::node_role::shipping))
      out.emplace(domain::node_role::shipping, caf::actor_cast<caf::actor>(services.shipping));
    if (c.has_role(domain::node_role::orders))
      out.emplace(domain::node_role::orders, caf::actor_cast<caf::actor>(services.orders));
    return out;
  }

  template <class Handle>
  Handle keep(Handle h) {
    stores.push_back(caf::actor_cast<caf::actor>(h));
    return h;
  }

  /// Orders that still owe effects (a crash interrupted them) resume from their journals.
  void resume_orders() {
    if (!services.orders)
      return;
    caf::scoped_actor self{*sys};
    auto ids = ask<std::vector<std::string>>(self, services.reads, protocol::unsettled_atom_v);
    log::info("orders.recovering").kv("count", ids.size());
    if (!ids.empty())
      caf::anon_send(services.orders, protocol::resume_atom_v, std::move(ids));
  }

  std::vector<http::route> routes() const {
    auto all = http::ops_routes(services);
    auto add = [&](std::vector<http::route> more) {
      for (auto& r : more)
        all.push_back(std::move(r));
    };
    if (c.has_role(domain::node_role::frontdoor)) {
      add(http::catalog_routes(services));
      add(http::order_routes(services));
    }
    if (services.payments && services.shipping)
      add(http::fulfilment_routes(services));
    return all;
  }

  template <class T, class Handle, class... Ts>
  static T ask(caf::scoped_actor& self, const Handle& h, Ts... xs) {
    T out;
    caf::error failed;
    self->request(h, std::chrono::seconds{30}, xs...)
      .receive(
        [&](T& x) {
          out = std::move(x);
        },
        [&](caf::error& err) {
          failed = err;
        });
    if (failed)
      throw std::runtime_error("loading state failed: " + to_string(failed));
    return out;
  }

  void leave() {
    caf::scoped_actor self{*sys};
    self->request(probe, std::chrono::seconds{2}, protocol::leave_atom_v)
      .receive([](bool) {},
               [](caf::error& err) {
                 log::warn("node.leave_failed").kv("error", to_string(err));
               });
  }

  /// The door (whose routes hold actor handles), then the actors (a detached actor's thread ends
  /// only when the last handle to it is gone), then CAF, the writer, the pool.
  void teardown(shutdown_watchdog* watchdog = nullptr) {
    auto step = [&](const char* name) {
      if (watchdog)
        watchdog->step(name);
    };
    step("actors");
    door.reset();
    auto stop = [](const auto& h) {
      if (h)
        caf::anon_send_exit(h, caf::exit_reason::user_shutdown);
    };
    stop(services.health);
    stop(services.catalog);
    stop(services.orders);
    stop(services.payments);
    stop(services.shipping);
    stop(directory);
    for (auto& s : services.shards)
      stop(s);
    for (auto& s : stores)
      stop(s);
    services = {};
    probe = nullptr;
    order_store = nullptr;
    directory = nullptr;
    notification = nullptr;
    stores.clear();
    step("actor_system");
    sys.reset(); // waits for every actor to finish
    step("journal_writer");
    writer.stop();
    step("effects_writer");
    effects_writer.stop();
    step("pool");
    pool.close();
  }
};

} // namespace

int run_node(const node_config& config) {
  auto stop_signals = block_stop_signals();
  auto c = config;
  c.http.port = resolve_port(c.http.address, c.http.port);
  if (c.http.port == 0)
    return fail("no free port to serve HTTP on " + c.http.address);
  if (c.node_id.empty())
    c.node_id = default_node_id(c.http.port);
  if (c.public_url.empty())
    c.public_url = "http://"
                   + (c.http.address == "0.0.0.0" ? std::string{"localhost"} : c.http.address) + ":"
                   + std::to_string(c.http.port);
  c.orders.public_url = c.public_url;
  c.inventory.public_url = c.public_url;
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

  node_parts node{c};
  try {
    node.spawn_actors();
    node.door = std::make_unique<http::server>(c.http, node.routes(), node.metrics);
    node.door->start();
    node.resume_orders();
  } catch (const std::exception& e) {
    node.teardown();
    return fail(e.what());
  }
  log::info("node.started")
    .kv("url", "http://" + c.http.address + ":" + std::to_string(node.door->port()))
    .kv("node_id", c.node_id);

  int sig = 0;
  sigwait(&stop_signals, &sig);
  log::info("node.stopping").kv("signal", sig == SIGINT ? "SIGINT" : "SIGTERM");
  shutdown_watchdog watchdog{c.shutdown_limit};
  node.door->stop(std::chrono::seconds{5});
  watchdog.step("leave");
  node.leave();
  node.teardown(&watchdog);
  log::info("node.stopped");
  return 0;
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
