#pragma once

#include "actors/protocol/cluster.hpp"
#include "cluster/placement.hpp"

#include <caf/expected.hpp>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace caf {
class actor_system;
}

namespace agora {
class actor_registry;
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
  /// Stock commands for another node's shards wait this long to travel together (0: one by one).
  std::chrono::milliseconds batch{5};
  /// Mutual TLS (libcaf_openssl): this node's certificate and key, and the cluster CA whose
  /// certificates it accepts from peers. All three, or `insecure` for plaintext.
  std::string certificate;
  std::string key;
  std::string ca;
  bool insecure = false;
  /// This node as a member (its id and incarnation): a directory answers only live members.
  std::string member;
  int64_t incarnation = 0;

  bool tls() const {
    return !certificate.empty();
  }
};

/// The directory of another node at `host:port`, over TLS when `options.tls()`; an error (one line)
/// when it cannot be reached, or the TLS handshake fails (a certificate not of the cluster's CA).
caf::expected<protocol::directory_actor> connect_directory(caf::actor_system& sys,
                                                           const std::string& host, uint16_t port,
                                                           const transport_options& options);

/// Spawns this node's directory over `services` (role → actor) and `registry` (what it answers
/// introspection from) and publishes it on
/// `options.port` through CAF's middleman (TLS when `options.tls()`). It answers a lookup only
/// for a member that `keeper` last saw live at the incarnation it claims: a process with the
/// cluster's certificate but no membership gets nothing. Throws std::runtime_error (one line)
/// when it cannot publish.
protocol::directory_actor publish_directory(caf::actor_system& sys,
                                            std::map<domain::node_role, caf::actor> services,
                                            actor_registry& registry,
                                            const transport_options& options);

/// Tells the directory which lease keeper knows the members (set once the node has joined).
void watch_members(const protocol::directory_actor& directory,
                   const protocol::lease_keeper_actor& keeper);

/// Finds the actor serving `role` on one of the seeds, retrying until `options.wait` has passed;
/// throws std::runtime_error (one line) when none answers.
caf::actor resolve_role(caf::actor_system& sys, domain::node_role role,
                        const transport_options& options);

} // namespace agora::cluster
