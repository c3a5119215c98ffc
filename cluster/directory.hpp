#pragma once

#include "actors/protocol/cluster.hpp"
#include "cluster/placement.hpp"

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace caf {
class actor_system;
}

namespace agora::cluster {

struct transport_options {
  std::string address = "127.0.0.1"; ///< where this node's directory listens (a private address)
  uint16_t port = 0;                 ///< 0: this node publishes nothing
  std::vector<endpoint> seeds;       ///< other nodes' cluster endpoints
  std::chrono::seconds wait{30};     ///< how long start-up waits for a role on the seeds
  std::chrono::milliseconds heartbeat{1000}; ///< between nodes, so a silent one is noticed
  std::chrono::milliseconds timeout{5000}; ///< a node silent this long is gone; a lookup's deadline
  std::chrono::milliseconds lease_ttl{5000}; ///< a shard lease not renewed this long may be taken
};

/// Spawns this node's directory over `services` (role → actor) and publishes it on
/// `options.port` through CAF's middleman. Throws std::runtime_error (one line) when it cannot.
protocol::directory_actor publish_directory(caf::actor_system& sys,
                                            std::map<domain::node_role, caf::actor> services,
                                            const transport_options& options);

/// Finds the actor serving `role` on one of the seeds, retrying until `options.wait` has passed;
/// throws std::runtime_error (one line) when none answers.
caf::actor resolve_role(caf::actor_system& sys, domain::node_role role,
                        const transport_options& options);

} // namespace agora::cluster
