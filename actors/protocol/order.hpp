#pragma once

#include "actors/domain/order.hpp"
#include "actors/protocol/atoms.hpp"
#include "actors/protocol/domain_types.hpp"
#include "actors/protocol/entity.hpp"
#include "actors/protocol/errors.hpp"

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

// Orders: one actor per order id, addressed through the node's order router; the order store
// journals each actor's events (with the projection and outbox rows) in group commits.

namespace agora::protocol {

/// An order as clients see it (the contract's Order document).
struct order_view {
  std::string id;
  domain::order_status status = domain::order_status::pending;
  domain::order_reason reason = domain::order_reason::none;
  std::string customer_email;
  std::string customer_id; ///< the owning account; empty for a guest's order (not rendered)
  std::vector<domain::line_item> items;
  int64_t total_cents = 0;
  std::string currency;
  domain::address ship_to;
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
  std::string payment_id; ///< empty: "payment": null
  domain::payment_status payment_status = domain::payment_status::captured;
  int64_t payment_amount_cents = 0;
  std::string shipment_id; ///< empty: "shipment": null
  domain::shipment_status shipment_status = domain::shipment_status::label_created;
  std::string tracking_number;
  std::string carrier;
};

/// The view of an order state, as actors answer it and the projection records it; `seen` is the
/// shipment's last known status (moves before delivery are not journaled).
order_view view_of(const domain::order_state& s, std::optional<domain::shipment_status> seen);

/// One group-committed append: the new events (numbered from first_seq), the projection as it
/// stands after them, and what they cause.
struct journal_append {
  std::string order_id;
  fence token; ///< the order's shard and its lease's epoch
  int32_t first_seq = 1;
  std::vector<domain::order_event> events;
  order_view projection;
  bool settled = false;
  std::vector<domain::notification> notifications;
  std::string idempotency_key; ///< with ORDER_CREATED only
  std::string request_hash;
  /// No client waits on it (an order's own step): the journal may hold it for its linger.
  bool can_wait = false;
};

/// What a shipment told its order.
struct shipment_news {
  std::string order_id;
  std::string shipment_id;
  domain::shipment_status status = domain::shipment_status::label_created;
  std::string tracking_number;
  std::string carrier;
};

/// A create as the door hands it over.
struct create_order {
  domain::order_draft draft;
  std::string idempotency_key;
  std::string request_hash;
  /// Sent before, to an owner that may have journaled it before it died or gave the shard away:
  /// the new owner reads the journal first instead of starting the order afresh.
  bool resent = false;
};

} // namespace agora::protocol

namespace agora::domain {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, order_draft& x) {
  return f(caf::meta::type_name("order_draft"), x.id, x.customer_email, x.customer_id, x.items,
           x.total_cents, x.currency, x.ship_to, x.card_token, x.card_last4);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, order_event& x) {
  return f(caf::meta::type_name("order_event"), x.type, x.at_ms, x.draft, x.reason, x.products,
           x.payment_id, x.amount_cents, x.detail, x.shipment_id, x.tracking_number, x.carrier);
}

} // namespace agora::domain

namespace agora::protocol {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, order_view& x) {
  return f(caf::meta::type_name("order_view"), x.id, x.status, x.reason, x.customer_email,
           x.customer_id, x.items, x.total_cents, x.currency, x.ship_to, x.created_at_ms,
           x.updated_at_ms, x.payment_id, x.payment_status, x.payment_amount_cents, x.shipment_id,
           x.shipment_status, x.tracking_number, x.carrier);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, journal_append& x) {
  return f(caf::meta::type_name("journal_append"), x.order_id, x.token, x.first_seq, x.events,
           x.projection, x.settled, x.notifications, x.idempotency_key, x.request_hash, x.can_wait);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, shipment_news& x) {
  return f(caf::meta::type_name("shipment_news"), x.order_id, x.shipment_id, x.status,
           x.tracking_number, x.carrier);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, create_order& x) {
  return f(caf::meta::type_name("create_order"), x.draft, x.idempotency_key, x.request_hash,
           x.resent);
}

} // namespace agora::protocol

CAF_BEGIN_TYPE_ID_BLOCK(agora_order, agora::protocol::order_first_type_id)
CAF_ADD_TYPE_ID(agora_order, (agora::domain::order_draft))
CAF_ADD_TYPE_ID(agora_order, (agora::domain::order_event))
CAF_ADD_TYPE_ID(agora_order, (std::vector<agora::domain::order_event>))
CAF_ADD_TYPE_ID(agora_order, (agora::protocol::order_view))
CAF_ADD_TYPE_ID(agora_order, (std::vector<agora::protocol::order_view>))
CAF_ADD_TYPE_ID(agora_order, (agora::protocol::journal_append))
CAF_ADD_TYPE_ID(agora_order, (agora::protocol::shipment_news))
CAF_ADD_TYPE_ID(agora_order, (agora::protocol::create_order))
CAF_END_TYPE_ID_BLOCK(agora_order)

namespace agora::protocol {

/// The node's order router: the only way to reach an order actor. It activates an order from
/// its journal on first use and forwards. `create` answers once ORDER_CREATED is durable;
/// `cancel` fails with errc::conflict once shipped or terminal, errc::not_found for unknown ids;
/// `wait` answers when the order has left PENDING and RESERVED or at the deadline (unix ms);
/// `resume` activates orders that still owe effects (recovery after a restart).
using order_router_actor = caf::typed_actor<
  caf::replies_to<create_atom, create_order>::with<order_view>,
  caf::replies_to<get_atom, std::string>::with<order_view>,
  caf::replies_to<cancel_atom, std::string>::with<order_view>,
  caf::replies_to<refund_atom, std::string, std::string, int64_t, std::string>::with<order_view>,
  caf::replies_to<wait_atom, std::string, int64_t>::with<order_view>,
  caf::replies_to<shipment_atom, shipment_news>::with<bool>,
  caf::reacts_to<resume_atom, std::vector<std::string>>>;

/// One order's actor (reached through the router; it may live on another node). `handoff` stops
/// it taking commands, lands its appends, passes the commands it holds on to the given router
/// (their requesters get its answers) and ends the actor, answering true.
using order_actor = caf::typed_actor<
  caf::replies_to<create_atom, create_order>::with<order_view>,
  caf::replies_to<get_atom>::with<order_view>, caf::replies_to<cancel_atom>::with<order_view>,
  caf::replies_to<refund_atom, std::string, int64_t, std::string>::with<order_view>,
  caf::replies_to<wait_atom, int64_t>::with<order_view>,
  caf::replies_to<shipment_atom, shipment_news>::with<bool>,
  caf::replies_to<handoff_atom, order_router_actor>::with<bool>>;

/// The order store: appends are group-committed; errc::conflict means the sequence number or the
/// idempotency key was taken (another writer, or a replayed create).
using order_store_actor =
  caf::typed_actor<caf::replies_to<append_atom, journal_append>::with<bool>>;

} // namespace agora::protocol
