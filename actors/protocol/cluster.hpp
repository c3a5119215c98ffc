#pragma once

#include "actors/domain/roles.hpp"
#include "actors/protocol/atoms.hpp"
#include "actors/protocol/entity.hpp"
#include "actors/protocol/errors.hpp"
#include "actors/protocol/id_offsets.hpp"
#include "actors/protocol/introspection.hpp"

#include <caf/actor.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/type_id.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// Between nodes. Membership and shard ownership are rows in PostgreSQL (the lease store); each
// node's lease keeper heartbeats, acquires, renews and releases its leases there once a tick and
// tells the node's hosts what they own. Messages between nodes go over CAF's middleman: each node
// publishes a directory on its cluster port, through which other nodes find its services.

namespace agora::protocol {

/// A row of the members table as the cluster sees it.
struct member {
  std::string id;
  int64_t incarnation = 0;
  std::string http_address;
  std::string cluster_host;
  uint16_t cluster_port = 0;
  std::string roles;  ///< "frontdoor,orders,..."
  std::string status; ///< "up" or "left"
  bool live = false;  ///< up, and its heartbeat is within the membership TTL
  int64_t heartbeat_age_ms = 0;
  int64_t joined_at_ms = 0;    ///< unix ms
  int64_t heartbeat_at_ms = 0; ///< unix ms
};

/// A shard lease. `owner` empty: nobody holds it. `expires_in_ms` <= 0: it has run out.
struct lease {
  std::string kind;
  uint32_t shard = 0;
  std::string owner;
  int64_t incarnation = 0;
  uint64_t epoch = 0;
  int64_t expires_in_ms = 0;
  int64_t since_ms = 0;      ///< unix ms of the last change of hands
  int64_t expires_at_ms = 0; ///< unix ms
};

/// One tick of a lease keeper: its heartbeat, the leases it gives back (kind, shard, epoch) and
/// those it asks for (kind, shard); the store renews every lease the node holds in the same call.
struct lease_sync {
  std::string member;
  int64_t incarnation = 0;
  int64_t lease_ttl_ms = 5000;
  int64_t member_ttl_ms = 5000;
  std::vector<lease> release;
  std::vector<lease> acquire;
};

/// What a sync found: whether the member row is still this incarnation's, every member seen
/// lately, and every lease after the sync's changes.
struct cluster_state {
  bool member_current = false;
  std::vector<member> members;
  std::vector<lease> leases;
};

/// A shard this node now owns, with the epoch its writes carry.
struct shard_grant {
  std::string kind;
  uint32_t shard = 0;
  uint64_t epoch = 0;
};

/// Where a shard lives now: the owner's id and incarnation, and the owner's host for the kind
/// (its order router, its inventory host; empty until resolved or when nobody owns the shard).
struct shard_route {
  uint32_t shard = 0;
  std::string owner;
  int64_t incarnation = 0;
  uint64_t epoch = 0;
  caf::actor host;
};

/// Every shard of one kind, indexed by shard, as a node's router sees it.
struct shard_map {
  std::string kind;
  uint64_t version = 0;
  std::vector<shard_route> routes;
};

inline bool has_role(const member& m, domain::node_role role) {
  auto name = domain::to_string(role);
  std::string_view roles = m.roles;
  while (!roles.empty()) {
    auto comma = roles.find(',');
    if (roles.substr(0, comma) == name)
      return true;
    if (comma == std::string_view::npos)
      break;
    roles.remove_prefix(comma + 1);
  }
  return false;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, member& x) {
  return f(caf::meta::type_name("member"), x.id, x.incarnation, x.http_address, x.cluster_host,
           x.cluster_port, x.roles, x.status, x.live, x.heartbeat_age_ms, x.joined_at_ms,
           x.heartbeat_at_ms);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, lease& x) {
  return f(caf::meta::type_name("lease"), x.kind, x.shard, x.owner, x.incarnation, x.epoch,
           x.expires_in_ms, x.since_ms, x.expires_at_ms);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, lease_sync& x) {
  return f(caf::meta::type_name("lease_sync"), x.member, x.incarnation, x.lease_ttl_ms,
           x.member_ttl_ms, x.release, x.acquire);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cluster_state& x) {
  return f(caf::meta::type_name("cluster_state"), x.member_current, x.members, x.leases);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, shard_grant& x) {
  return f(caf::meta::type_name("shard_grant"), x.kind, x.shard, x.epoch);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, shard_route& x) {
  return f(caf::meta::type_name("shard_route"), x.shard, x.owner, x.incarnation, x.epoch, x.host);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, shard_map& x) {
  return f(caf::meta::type_name("shard_map"), x.kind, x.version, x.routes);
}

} // namespace agora::protocol

CAF_BEGIN_TYPE_ID_BLOCK(agora_cluster, agora::protocol::cluster_first_type_id)
CAF_ADD_TYPE_ID(agora_cluster, (agora::domain::node_role))
CAF_ADD_TYPE_ID(agora_cluster, (agora::protocol::member))
CAF_ADD_TYPE_ID(agora_cluster, (agora::protocol::lease))
CAF_ADD_TYPE_ID(agora_cluster, (agora::protocol::lease_sync))
CAF_ADD_TYPE_ID(agora_cluster, (agora::protocol::cluster_state))
CAF_ADD_TYPE_ID(agora_cluster, (agora::protocol::shard_grant))
CAF_ADD_TYPE_ID(agora_cluster, (agora::protocol::shard_route))
CAF_ADD_TYPE_ID(agora_cluster, (agora::protocol::shard_map))
CAF_ADD_TYPE_ID(agora_cluster, (std::vector<agora::protocol::member>))
CAF_ADD_TYPE_ID(agora_cluster, (std::vector<agora::protocol::lease>))
CAF_ADD_TYPE_ID(agora_cluster, (std::vector<agora::protocol::shard_route>))
CAF_END_TYPE_ID_BLOCK(agora_cluster)

namespace agora::protocol {

/// `lookup` (a role: payment, shipping, orders, inventory; the asking member's id and
/// incarnation) answers the actor serving it on that node, errc::not_found, or errc::forbidden
/// when the asker is not a live member at that incarnation. `cluster` hands it the node's lease
/// keeper, which knows the members. `introduce` (the caller's member id and incarnation, its
/// orders and inventory hosts and its directory, any of them may be empty) is how a node hands
/// its own to an older member it dialed: two members keep one connection, opened by the newer
/// one, and everything between them goes over it. Answered true once the keeper has them,
/// errc::forbidden for a caller that is not a live member.
/// `actors` and `actor` answer the introspection of this node's own actors (a query, or one
/// actor id, with the asking member's id and incarnation; the same membership check).
using directory_actor = caf::typed_actor<
  caf::replies_to<lookup_atom, domain::node_role, std::string, int64_t>::with<caf::actor>,
  caf::replies_to<introduce_atom, std::string, int64_t, caf::actor, caf::actor,
                  caf::actor>::with<bool>,
  caf::replies_to<actors_atom, actor_query, std::string, int64_t>::with<actor_listing>,
  caf::replies_to<actor_atom, uint64_t, std::string, int64_t>::with<actor_detail>,
  caf::reacts_to<cluster_atom, caf::actor>>;

/// The lease store (persistence/): `join` records this node as a member (a new incarnation,
/// answered) and makes sure every shard of the given kinds has a lease row; `sync` is one tick of
/// the keeper; `leave` gives back every lease of the incarnation and marks the member left.
using lease_store_actor =
  caf::typed_actor<caf::replies_to<join_atom, member, std::vector<lease>>::with<int64_t>,
                   caf::replies_to<sync_atom, lease_sync>::with<cluster_state>,
                   caf::replies_to<leave_atom, std::string, int64_t>::with<bool>>;

/// A host of one kind's entities on a node (the order router, the inventory host), as its lease
/// keeper drives it: `grant` hands it a shard at an epoch (it activates what the shard owes);
/// `revoke` takes one away: with handoff true it stops taking the shard's commands, lands its
/// writes, passes what it holds to its router and answers once done; false (the lease is lost
/// already) stops the shard's entities at once.
using shard_host_actor =
  caf::typed_actor<caf::reacts_to<grant_atom, shard_grant>,
                   caf::replies_to<revoke_atom, std::string, uint32_t, bool>::with<bool>>;

/// A node's lease keeper: `cluster` answers the membership and leases it last saw; `lookup`
/// finds the actor serving a role on a live member this node is connected to (in this node's
/// rendezvous order of them; errc::unavailable when none answers); `peers` the members it is
/// connected to and their directories (two lists in step); `leave` hands every shard
/// over, gives back the leases, marks the member left and stops the keeper.
using lease_keeper_actor = caf::typed_actor<
  caf::replies_to<cluster_atom>::with<cluster_state>,
  caf::replies_to<lookup_atom, domain::node_role>::with<caf::actor>,
  caf::replies_to<peers_atom>::with<std::vector<std::string>, std::vector<caf::actor>>,
  caf::replies_to<leave_atom>::with<bool>>;

/// A router of one kind (the cluster's order router, an inventory shard's proxy) hears where the
/// shards are whenever that changes.
using shard_map_listener = caf::typed_actor<caf::reacts_to<route_atom, shard_map>>;

} // namespace agora::protocol
