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
#include <vector>

// Introspection: the live actors of every node, as the console and agoractl see them. Each node
// answers for its own actors from its registry; the node asked merges the others' answers.

namespace agora::protocol {

/// Which actors, and which page of them. `q` matches a substring of the type or the key; `sort`
/// is "id" (node, then actor id), "mailbox" or "messages" (both largest first).
struct actor_query {
  std::string type;
  std::string node;
  std::string q;
  std::string sort = "id";
  int32_t limit = 50;
  int32_t offset = 0;
};

/// One live actor. `mailbox` is what it last saw waiting behind the message it handled (or its
/// periodic sample); `state` is what the actor says of itself (an order's status), may be empty.
struct actor_info {
  std::string node;
  uint64_t id = 0; ///< CAF's actor id, unique within its node
  std::string type;
  std::string key;
  int64_t mailbox = 0;
  int64_t messages = 0; ///< handled since it started
  std::string state;
  int64_t since_ms = 0;
};

/// How many live actors of a type one node has.
struct actor_count {
  std::string node;
  std::string type;
  int64_t count = 0;
};

/// One node's own counters, cumulative: two samples make orders/s and a p99 between them.
struct node_counters {
  std::string node;
  int64_t at_ms = 0;
  int64_t orders_created = 0;          ///< orders this node's entities created
  int64_t requests = 0;                ///< shop requests its door answered
  std::vector<double> latency_le;      ///< bucket bounds (seconds) of those requests
  std::vector<int64_t> latency_counts; ///< cumulative per bound, then the total
};

/// A page of actors across the nodes that answered. `missing` names the live members that did
/// not answer in time (their actors are not in the page, nor in `total`).
struct actor_listing {
  std::vector<actor_info> items;
  int64_t total = 0;
  std::vector<actor_count> counts;
  std::vector<std::string> nodes;
  std::vector<std::string> missing;
  std::vector<node_counters> counters; ///< of each node that answered
};

/// One message an actor handled: its kind (the leading atom, "reply", "down", ...), the sender
/// (actor id, "@node" when remote) and when.
struct message_trace {
  std::string kind;
  std::string from;
  int64_t at_ms = 0;
};

/// One actor in full. `recent` holds the last messages it handled while someone watched: asking
/// for the detail starts a watch window (`recording` until `recording_until_ms`).
struct actor_detail {
  actor_info info;
  std::vector<message_trace> recent;
  bool recording = false;
  int64_t recording_until_ms = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, actor_query& x) {
  return f(caf::meta::type_name("actor_query"), x.type, x.node, x.q, x.sort, x.limit, x.offset);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, actor_info& x) {
  return f(caf::meta::type_name("actor_info"), x.node, x.id, x.type, x.key, x.mailbox, x.messages,
           x.state, x.since_ms);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, actor_count& x) {
  return f(caf::meta::type_name("actor_count"), x.node, x.type, x.count);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, node_counters& x) {
  return f(caf::meta::type_name("node_counters"), x.node, x.at_ms, x.orders_created, x.requests,
           x.latency_le, x.latency_counts);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, actor_listing& x) {
  return f(caf::meta::type_name("actor_listing"), x.items, x.total, x.counts, x.nodes, x.missing,
           x.counters);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, message_trace& x) {
  return f(caf::meta::type_name("message_trace"), x.kind, x.from, x.at_ms);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, actor_detail& x) {
  return f(caf::meta::type_name("actor_detail"), x.info, x.recent, x.recording,
           x.recording_until_ms);
}

} // namespace agora::protocol

CAF_BEGIN_TYPE_ID_BLOCK(agora_introspection, agora::protocol::introspection_first_type_id)
CAF_ADD_TYPE_ID(agora_introspection, (agora::protocol::actor_query))
CAF_ADD_TYPE_ID(agora_introspection, (agora::protocol::actor_info))
CAF_ADD_TYPE_ID(agora_introspection, (std::vector<agora::protocol::actor_info>))
CAF_ADD_TYPE_ID(agora_introspection, (agora::protocol::actor_count))
CAF_ADD_TYPE_ID(agora_introspection, (std::vector<agora::protocol::actor_count>))
CAF_ADD_TYPE_ID(agora_introspection, (agora::protocol::node_counters))
CAF_ADD_TYPE_ID(agora_introspection, (std::vector<agora::protocol::node_counters>))
CAF_ADD_TYPE_ID(agora_introspection, (agora::protocol::actor_listing))
CAF_ADD_TYPE_ID(agora_introspection, (agora::protocol::message_trace))
CAF_ADD_TYPE_ID(agora_introspection, (std::vector<agora::protocol::message_trace>))
CAF_ADD_TYPE_ID(agora_introspection, (agora::protocol::actor_detail))
CAF_END_TYPE_ID_BLOCK(agora_introspection)

namespace agora::protocol {

/// A node's introspector: `actors` answers a page of the live actors across the cluster (this
/// node's, and those of every live member that answers within the deadline); `actor` (node id,
/// actor id) one actor in full, on whichever node it lives (errc::not_found when gone).
using introspector_actor =
  caf::typed_actor<caf::replies_to<actors_atom, actor_query>::with<actor_listing>,
                   caf::replies_to<actor_atom, std::string, uint64_t>::with<actor_detail>>;

} // namespace agora::protocol
