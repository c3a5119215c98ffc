#pragma once

#include "actors/domain/roles.hpp"
#include "actors/protocol/atoms.hpp"
#include "actors/protocol/errors.hpp"
#include "actors/protocol/id_offsets.hpp"

#include <caf/actor.hpp>
#include <caf/replies_to.hpp>
#include <caf/type_id.hpp>
#include <caf/typed_actor.hpp>

#include <string>

// Between nodes: each node publishes a directory on its cluster port; a node that lacks a role
// asks its seeds' directories for the actor serving it.

CAF_BEGIN_TYPE_ID_BLOCK(agora_cluster, agora::protocol::cluster_first_type_id)
CAF_ADD_TYPE_ID(agora_cluster, (agora::domain::node_role))
CAF_END_TYPE_ID_BLOCK(agora_cluster)

namespace agora::protocol {

/// `lookup` (a role: payment, shipping, orders) answers the actor serving it on that node, or
/// errc::not_found.
using directory_actor =
  caf::typed_actor<caf::replies_to<lookup_atom, domain::node_role>::with<caf::actor>>;

} // namespace agora::protocol
