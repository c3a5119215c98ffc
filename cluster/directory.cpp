#include "cluster/directory.hpp"

#include "runtime/base/log.hpp"

#include <caf/actor_system.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <stdexcept>
#include <thread>

namespace agora::cluster {

namespace {

using namespace agora::protocol;

directory_actor::behavior_type directory(directory_actor::pointer,
                                         std::map<domain::node_role, caf::actor> services) {
  return {
    [=](lookup_atom, domain::node_role role) -> caf::result<caf::actor> {
      auto i = services.find(role);
      if (i == services.end())
        return caf::make_error(errc::not_found,
                               "this node does not serve " + std::string{domain::to_string(role)});
      return i->second;
    },
  };
}

} // namespace

directory_actor publish_directory(caf::actor_system& sys,
                                  std::map<domain::node_role, caf::actor> services,
                                  const transport_options& options) {
  auto dir = sys.spawn(directory, std::move(services));
  auto port = sys.middleman().publish(dir, options.port, options.address.c_str(), true);
  if (!port) {
    caf::anon_send_exit(dir, caf::exit_reason::user_shutdown);
    throw std::runtime_error("cannot publish the cluster directory on " + options.address + ":"
                             + std::to_string(options.port) + ": " + sys.render(port.error()));
  }
  log::info("cluster.published").kv("address", options.address).kv("port", unsigned{*port});
  return dir;
}

caf::actor resolve_role(caf::actor_system& sys, domain::node_role role,
                        const transport_options& options) {
  auto deadline = std::chrono::steady_clock::now() + options.wait;
  std::string last = "no seeds configured (--seeds)";
  for (int attempt = 1;; ++attempt) {
    for (auto& seed : options.seeds) {
      auto dir = sys.middleman().remote_actor<directory_actor>(seed.host, seed.port);
      if (!dir) {
        last = seed.host + ":" + std::to_string(seed.port) + ": " + sys.render(dir.error());
        continue;
      }
      caf::scoped_actor self{sys};
      caf::actor found;
      self->request(*dir, options.timeout, lookup_atom_v, role)
        .receive(
          [&](caf::actor& a) {
            found = std::move(a);
          },
          [&](caf::error& err) {
            last = seed.host + ": " + sys.render(err);
          });
      if (found) {
        log::info("cluster.resolved")
          .kv("role", domain::to_string(role))
          .kv("seed", seed.host + ":" + std::to_string(seed.port));
        return found;
      }
    }
    if (std::chrono::steady_clock::now() >= deadline)
      throw std::runtime_error("no seed serves the " + std::string{domain::to_string(role)}
                               + " role: " + last);
    log::warn("cluster.waiting")
      .kv("role", domain::to_string(role))
      .kv("attempt", attempt)
      .kv("error", last);
    std::this_thread::sleep_for(std::chrono::milliseconds{500});
  }
}

} // namespace agora::cluster
