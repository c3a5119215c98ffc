#pragma once

#include <caf/atom.hpp>

// Every atom of agora's protocols, in one place so no two headers define the same one. CAF 0.17
// atoms are at most 10 characters of [A-Za-z0-9_ ].
namespace agora::protocol {

#define AGORA_ATOM(name, text)                                                                     \
  using name = caf::atom_constant<caf::atom(text)>;                                                \
  constexpr name name##_v = name {}

AGORA_ATOM(ready_atom, "ready");
AGORA_ATOM(probe_atom, "probe");
AGORA_ATOM(leave_atom, "leave");
AGORA_ATOM(get_atom, "get");
AGORA_ATOM(list_atom, "list");
AGORA_ATOM(create_atom, "create");
AGORA_ATOM(replace_atom, "replace");
AGORA_ATOM(load_atom, "load");
AGORA_ATOM(reserve_atom, "reserve");
AGORA_ATOM(release_atom, "release");
AGORA_ATOM(commit_atom, "commit");
AGORA_ATOM(restock_atom, "restock");
AGORA_ATOM(set_atom, "set");
AGORA_ATOM(adopt_atom, "adopt");
AGORA_ATOM(written_atom, "written");
AGORA_ATOM(tick_atom, "tick");
AGORA_ATOM(append_atom, "append");
AGORA_ATOM(cancel_atom, "cancel");
AGORA_ATOM(wait_atom, "wait");
AGORA_ATOM(shipment_atom, "shipment");
AGORA_ATOM(resume_atom, "resume");
AGORA_ATOM(charge_atom, "charge");
AGORA_ATOM(void_atom, "void");
AGORA_ATOM(refund_atom, "refund");
AGORA_ATOM(advance_atom, "advance");
AGORA_ATOM(track_atom, "track");
AGORA_ATOM(events_atom, "events");
AGORA_ATOM(idem_atom, "idem");
AGORA_ATOM(unsettled_atom, "unsettled");
AGORA_ATOM(lagging_atom, "lagging");
AGORA_ATOM(reconcile_atom, "reconcile");
AGORA_ATOM(payments_atom, "payments");
AGORA_ATOM(shipments_atom, "shipments");
AGORA_ATOM(notices_atom, "notices");
AGORA_ATOM(step_atom, "step");
AGORA_ATOM(lookup_atom, "lookup");
AGORA_ATOM(show_atom, "show");
AGORA_ATOM(claim_atom, "claim");
AGORA_ATOM(sent_atom, "sent");
AGORA_ATOM(retry_atom, "retry");
AGORA_ATOM(failed_atom, "failed");
AGORA_ATOM(stats_atom, "stats");
AGORA_ATOM(send_atom, "send");
AGORA_ATOM(handoff_atom, "handoff");
AGORA_ATOM(signup_atom, "signup");
AGORA_ATOM(signin_atom, "signin");
AGORA_ATOM(session_atom, "session");
AGORA_ATOM(signout_atom, "signout");
// Membership and shard leases.
AGORA_ATOM(join_atom, "join");
AGORA_ATOM(sync_atom, "sync");
AGORA_ATOM(grant_atom, "grant");
AGORA_ATOM(revoke_atom, "revoke");
AGORA_ATOM(route_atom, "route");
AGORA_ATOM(cluster_atom, "cluster");
AGORA_ATOM(peer_atom, "peer");
AGORA_ATOM(introduce_atom, "introduce");
AGORA_ATOM(bounce_atom, "bounce");
AGORA_ATOM(peers_atom, "peers");
// Stock commands carried between nodes in bags (cluster/courier.hpp).
AGORA_ATOM(carry_atom, "carry");
AGORA_ATOM(bag_atom, "bag");
AGORA_ATOM(flush_atom, "flush");
// Introspection and operations.
AGORA_ATOM(actors_atom, "actors");
AGORA_ATOM(actor_atom, "actor");
AGORA_ATOM(outbox_atom, "outbox");
AGORA_ATOM(requeue_atom, "requeue");
// A cluster role proxy's own messages: nothing it passes on may look like them.
AGORA_ATOM(role_found_atom, "rolefound");
AGORA_ATOM(role_retry_atom, "roleretry");

#undef AGORA_ATOM

} // namespace agora::protocol
