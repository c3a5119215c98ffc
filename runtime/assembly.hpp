#pragma once

#include "actors/order_metrics.hpp"
#include "actors/order_router.hpp"
#include "actors/protocol/cluster.hpp"
#include "cluster/order_routing.hpp"
#include "http/server.hpp"
#include "http/services.hpp"
#include "persistence/database.hpp"
#include "persistence/writer.hpp"
#include "runtime/base/actor_registry.hpp"
#include "runtime/base/metrics.hpp"
#include "runtime/config.hpp"
#include "runtime/process.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

// A node as runtime/ assembles it (internal to runtime/): what it owns, and one unit per role
// that spawns the role's stores and actors into it.
namespace agora::runtime {

/// Everything a running node owns, torn down in reverse order of construction.
struct node {
  explicit node(const node_config& config);

  const node_config& c;
  metrics::hub metrics;
  actor_registry registry;
  persistence::connection_pool pool;
  persistence::writer journal; ///< group commits of order journals
  persistence::writer effects; ///< group commits of stock changes and charges, alongside
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  http::services services;
  protocol::probe_store_actor probe;
  std::vector<caf::actor> owned; ///< stores and services to stop at shutdown
  std::unique_ptr<actors::order_metrics> order_metrics;
  protocol::order_store_actor order_store;
  protocol::directory_actor directory;
  uint16_t cluster_port = 0; ///< where the directory listens; 0: not published
  protocol::lease_store_actor leases;
  protocol::lease_keeper_actor keeper;
  actors::order_host_actor order_host;        ///< this node's orders (orders role)
  cluster::order_routing_actor order_routing; ///< every order, wherever its owner is
  caf::actor inventory_host;                  ///< this node's inventory shards (inventory role)
  std::vector<caf::actor> role_proxies;       ///< roles this node lacks, served elsewhere
  std::shared_ptr<cluster::cluster_metrics> cluster_metrics;
  protocol::member me;                  ///< this node as joined (its incarnation)
  cluster::transport_options transport; ///< the cluster options with this member's identity
  std::unique_ptr<http::server> door;

  /// Keeps `h` to stop it at shutdown; answers it.
  template <class Handle>
  Handle keep(Handle h) {
    owned.push_back(caf::actor_cast<caf::actor>(h));
    return h;
  }

  /// Asks `h` and waits (start-up only): the answer, or std::runtime_error.
  template <class T, class Handle, class... Ts>
  T ask(const Handle& h, Ts... xs) {
    caf::scoped_actor self{*sys};
    T out;
    caf::error failed;
    self->request(h, c.store_timeout, xs...)
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
};

// The role units: each spawns one role's stores and actors into the node.
void spawn_base(node& n); ///< every node: membership probe, health, reads, the door's bridges
void spawn_inventory(node& n);
void spawn_payment(node& n);
void spawn_shipping(node& n);
void spawn_orders(node& n);
void spawn_notification(node& n);

/// Finds the roles this node lacks on its seeds, spawns the order router over them and the
/// cluster's order router, publishes this node's services, joins the members table and starts
/// the lease keeper (which grants the hosts their shards), and tells shipping where orders are.
void connect(node& n);

/// The routes this node's door serves.
std::vector<http::route> routes(const node& n);

} // namespace agora::runtime
