#pragma once

#include "actors/protocol/cluster.hpp"
#include "cluster/cluster_metrics.hpp"
#include "cluster/directory.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace caf {
class actor_system;
}

namespace agora::cluster {

/// One leased kind as a node sees it.
struct leased_kind {
  std::string kind;                ///< protocol::orders_kind, protocol::inventory_kind
  uint32_t shards = 0;             ///< every node must agree (the lease store checks)
  domain::node_role role;          ///< members with this role own the kind's shards
  protocol::shard_host_actor host; ///< this node's host of the kind; empty: it owns none
  std::vector<protocol::shard_map_listener> listeners; ///< told where the shards are
};

struct keeper_options {
  std::chrono::milliseconds tick{1000};          ///< between syncs with the lease store
  std::chrono::milliseconds lease_ttl{5000};     ///< a lease not renewed this long may be taken
  std::chrono::milliseconds member_ttl{5000};    ///< a member silent this long is not live
  std::chrono::milliseconds step_timeout{10000}; ///< a sync's or a handoff's deadline
  transport_options transport; ///< how to reach other members' directories (TLS or not)
  caf::actor directory;        ///< this node's own, handed to the members it dials
};

/// Whether member `me` opens the connection to `m` (as both see them in `seen`): of two members,
/// the newer one (joined later; the id breaks a tie) dials the older, as it did the seeds when it
/// started, and introduces itself; the older one never dials; a member without a cluster port
/// dials every other. Over libcaf_openssl 0.17.6 a second connection between two nodes (the
/// other way round, or two at the same moment) stalls or breaks both (measured), and one per
/// pair is all BASP needs.
bool dials(const protocol::cluster_state& seen, const protocol::member& me,
           const protocol::member& m);

/// Where to look for `role`: the live members serving it with a cluster port, other than `me`,
/// in `me`'s rendezvous order (each caller its own, so callers spread over them).
std::vector<std::string> role_candidates(const std::vector<protocol::member>& members,
                                         domain::node_role role, const std::string& me);

/// Spawns the node's lease keeper for member `me` (joined already, at `me.incarnation`). Once a
/// tick it syncs with the lease store (heartbeat, renewals, releases, acquisitions), computes the
/// desired placement by rendezvous over the live members with each kind's role, grants its hosts
/// the shards it acquired, revokes those it lost, hands over those another live member should
/// own (the host lands its writes first; the lease is given back on the next tick), finds the
/// other members' hosts through their directories, and tells the listeners where every shard is.
/// Without a successful sync for a lease TTL it stops its shards' entities on its own: whatever
/// it believes, the database fences its writes by then. `watchers` hear (cluster, ok, missing)
/// whenever what keeps orders from proceeding changes: no live member with a role they need
/// (orders, inventory, payment, shipping), shards nobody has owned for longer than a lease TTL,
/// this node's membership stale or its lease store out of reach.
protocol::lease_keeper_actor
spawn_lease_keeper(caf::actor_system& sys, protocol::lease_store_actor store, protocol::member me,
                   std::vector<leased_kind> kinds, keeper_options options,
                   std::shared_ptr<cluster_metrics> metrics, std::vector<caf::actor> watchers);

} // namespace agora::cluster
