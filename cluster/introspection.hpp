#pragma once

#include "actors/protocol/cluster.hpp"
#include "actors/protocol/introspection.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace caf {
class actor_system;
}

namespace agora {
class actor_registry;
}

namespace agora::cluster {

/// How long a look at one actor keeps it recording the messages it handles.
inline constexpr std::chrono::milliseconds watch_window{60000};

/// This node's live actors that `q` selects (node, type, substring of type, key or id), sorted by
/// `q.sort`: the first `q.offset + q.limit` of them, `total` counting every match, and how many
/// actors of each type the node has (of the node asked for; type and text filters aside).
protocol::actor_listing local_actors(const actor_registry& registry,
                                     const protocol::actor_query& q);

/// One of this node's actors in full; looking starts (or extends) its watch window. Empty when
/// no such actor lives here.
std::optional<protocol::actor_detail> local_actor(const actor_registry& registry, uint64_t id);

/// The page `q` asks for out of the nodes' parts (each sorted and cut as local_actors cuts them).
protocol::actor_listing merge_listings(std::vector<protocol::actor_listing> parts,
                                       const protocol::actor_query& q);

struct introspection_options {
  std::string member; ///< this node as a member: what other directories check
  int64_t incarnation = 0;
  std::chrono::milliseconds deadline{1000}; ///< for each other node's answer
};

/// Spawns the node's introspector: it answers from `registry` for this node and asks the other
/// live members' directories (which `keeper` knows) for theirs; a node that does not answer
/// within the deadline is named in the answer's `missing`, and the answer does not wait longer.
protocol::introspector_actor spawn_introspector(caf::actor_system& sys, actor_registry& registry,
                                                protocol::lease_keeper_actor keeper,
                                                introspection_options options);

} // namespace agora::cluster
