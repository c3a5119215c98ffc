#include "runtime/node.hpp"

#include "actors/health.hpp"
#include "http/ops_routes.hpp"
#include "http/server.hpp"
#include "persistence/database.hpp"
#include "persistence/migrations.hpp"
#include "persistence/probe_store.hpp"
#include "runtime/actor_system.hpp"
#include "runtime/base/actor_registry.hpp"
#include "runtime/base/log.hpp"
#include "runtime/base/metrics.hpp"

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

#include <arpa/inet.h>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

extern char** environ;

namespace agora::runtime {

namespace {

constexpr const char* version = "0.1.0";

int fail(const std::string& why) {
  std::fprintf(stderr, "agora: %s\n", why.c_str());
  return 1;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (auto& s : items)
    out += (out.empty() ? "" : ",") + s;
  return out;
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
  if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    found = ntohs(addr.sin_port);
  if (fd >= 0)
    ::close(fd);
  return found;
}

} // namespace

int run_node(const node_config& config) {
  auto stop_signals = block_stop_signals();
  auto c = config;
  c.http.port = resolve_port(c.http.address, c.http.port);
  if (c.http.port == 0)
    return fail("no free port to serve HTTP on " + c.http.address);
  if (c.node_id.empty())
    c.node_id = default_node_id(c.http.port);
  log::set_level(c.log_level);
  log::set_node(c.node_id);
  log::info("node.starting")
    .kv("version", version)
    .kv("roles", join(c.roles))
    .kv("database", redact_url(c.database.url))
    .kv("config_file", c.config_file);
  std::string error;
  if (!prepare_database(c, error))
    return fail(error);

  metrics::hub metrics{version, c.node_id};
  actor_registry registry{c.node_id, metrics.registry()};
  persistence::connection_pool pool{c.database, metrics.registry()};
  caf::actor_system_config cfg;
  configure_actor_system(cfg, c.scheduler_threads);
  auto sys = std::make_unique<caf::actor_system>(cfg);

  persistence::member_info me{c.node_id, c.http.address + ":" + std::to_string(c.http.port),
                              c.roles};
  auto probe = persistence::spawn_probe_store(*sys, pool, me, registry);
  auto health = actors::spawn_health(*sys, probe, c.health, registry);
  auto door = std::make_unique<http::server>(
    c.http, http::ops_routes({sys.get(), health, &metrics}), metrics);

  // Tears down in dependency order: the door (whose routes hold actor handles), then the actors
  // (a detached actor's thread ends only when the last handle to it is gone), then CAF, the pool.
  auto teardown = [&] {
    door.reset();
    caf::anon_send_exit(health, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(probe, caf::exit_reason::user_shutdown);
    health = nullptr;
    probe = nullptr;
    sys.reset(); // waits for every actor to finish
    pool.close();
  };

  try {
    door->start();
  } catch (const std::exception& e) {
    teardown();
    return fail(e.what());
  }
  log::info("node.started")
    .kv("url", "http://" + c.http.address + ":" + std::to_string(door->port()))
    .kv("node_id", c.node_id);

  int sig = 0;
  sigwait(&stop_signals, &sig);
  log::info("node.stopping").kv("signal", sig == SIGINT ? "SIGINT" : "SIGTERM");
  door->stop(std::chrono::seconds{5});
  {
    caf::scoped_actor self{*sys};
    self->request(probe, std::chrono::seconds{2}, protocol::leave_atom_v)
      .receive([](bool) {},
               [](caf::error& err) {
                 log::warn("node.leave_failed").kv("error", to_string(err));
               });
  }
  teardown();
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
