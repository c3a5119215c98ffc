#pragma once

#include "actors/protocol/atoms.hpp"
#include "actors/protocol/errors.hpp"
#include "actors/protocol/id_offsets.hpp"

#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/type_id.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <string>

// Readiness of a node: the health actor keeps the answer current (it probes the database through
// the probe store on a timer), so asking it never waits on I/O.

namespace agora::protocol {

/// A node's readiness as of the last probe.
struct readiness {
  bool database = false;     ///< the last probe reached the database
  bool cluster = false;      ///< the node may serve (membership recorded)
  std::string detail;        ///< what is missing, for /readyz
  int64_t checked_at_ms = 0; ///< unix time of the last completed probe
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, readiness& x) {
  return f(caf::meta::type_name("readiness"), x.database, x.cluster, x.detail, x.checked_at_ms);
}

} // namespace agora::protocol

CAF_BEGIN_TYPE_ID_BLOCK(agora_health, agora::protocol::health_first_type_id)
CAF_ADD_TYPE_ID(agora_health, (agora::protocol::readiness))
CAF_END_TYPE_ID_BLOCK(agora_health)

namespace agora::protocol {

/// The node's health actor: answers readiness from its cached state. `cluster` (from the lease
/// keeper): whether this node can take orders and, if not, what is missing.
using health_actor = caf::typed_actor<caf::replies_to<ready_atom>::with<readiness>,
                                      caf::reacts_to<cluster_atom, bool, std::string>>;

/// The store behind it (persistence/): `probe` makes a round trip to the database and answers
/// true; failures come back as errc::storage_unavailable. (Membership is the lease store's.)
using probe_store_actor = caf::typed_actor<caf::replies_to<probe_atom>::with<bool>>;

} // namespace agora::protocol
