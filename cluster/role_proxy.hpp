#pragma once

#include "cluster/directory.hpp"

#include <caf/actor.hpp>

#include <string>
#include <vector>

namespace caf {
class actor_system;
}

namespace agora::cluster {

/// A local stand-in for `role` served by another node (`remote`, found by resolve_role): it passes
/// every message on to the remote actor unchanged (the answer goes straight back to the sender),
/// monitors it, and when it goes down (its node died or restarted) finds the role again, retrying
/// every second, in the background: through the lease keeper once told it (watch_members(proxy,
/// keeper)), on the live members with the role, each caller trying them in its own rendezvous
/// order so callers spread over them; on the seeds before that. Meanwhile it holds what comes (up
/// to 10,000 messages; beyond, a request fails at once with sec::request_receiver_down, the door's
/// 503) and passes it on once the role is found: a restart of the other node is a pause, and
/// requesters keep their own deadlines. Without it a node kept the handles it resolved at start for
/// ever: after the other node restarted, every call to the role timed out.
caf::actor spawn_role_proxy(caf::actor_system& sys, domain::node_role role, caf::actor remote,
                            const transport_options& options);

/// Tells a role proxy which lease keeper knows the live members.
void watch_members(const caf::actor& proxy, const protocol::lease_keeper_actor& keeper);

} // namespace agora::cluster
