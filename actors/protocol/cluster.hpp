#pragma once

#include "actors/protocol/atoms.hpp"
#include "actors/protocol/errors.hpp"

#include <caf/actor.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <string>

// Between nodes: each node publishes a directory on its cluster port; a node that lacks a role
// asks its seeds' directories for the actor serving it.

namespace agora::protocol {

/// `lookup` (role: "payment", "shipping", "orders") answers the actor serving it on that node,
/// or errc::not_found.
using directory_actor =
  caf::typed_actor<caf::replies_to<lookup_atom, std::string>::with<caf::actor>>;

} // namespace agora::protocol
