#pragma once

#include "actors/protocol/atoms.hpp"
#include "actors/protocol/domain_types.hpp"
#include "actors/protocol/errors.hpp"
#include "actors/protocol/id_offsets.hpp"
#include "actors/protocol/order.hpp"

#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/type_id.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <string>
#include <vector>

// Shipping: shipments with tracking numbers, a simulated carrier that moves them on, and news of
// every status sent to the shipment's order.

namespace agora::protocol {

struct shipment {
  std::string id;
  std::string order_id;
  domain::shipment_status status = domain::shipment_status::label_created;
  std::string tracking_number;
  std::string carrier;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, shipment& x) {
  return f(caf::meta::type_name("shipment"), x.id, x.order_id, x.status, x.tracking_number,
           x.carrier);
}

} // namespace agora::protocol

CAF_BEGIN_TYPE_ID_BLOCK(agora_shipping, agora::protocol::shipping_first_type_id)
CAF_ADD_TYPE_ID(agora_shipping, (agora::protocol::shipment))
CAF_ADD_TYPE_ID(agora_shipping, (std::vector<agora::protocol::shipment>))
CAF_END_TYPE_ID_BLOCK(agora_shipping)

namespace agora::protocol {

/// The shipping service. `create` (order id, address) answers the order's shipment, creating it
/// once; `cancel` (order id) cancels it before pickup (errc::conflict after; an order without a
/// shipment gets a CANCELLED one, so none can be created for it later); `get` (order id)
/// answers it or errc::not_found; `advance` (shipment id) is a carrier scan (errc::conflict once
/// delivered or cancelled). `track` names where status news goes (the node's order router).
using shipping_actor =
  caf::typed_actor<caf::reacts_to<track_atom, order_router_actor>,
                   caf::replies_to<create_atom, std::string, domain::address>::with<shipment>,
                   caf::replies_to<cancel_atom, std::string>::with<shipment>,
                   caf::replies_to<get_atom, std::string>::with<shipment>,
                   caf::replies_to<advance_atom, std::string>::with<shipment>>;

/// Most shipments one carrier step moves; a step that moves this many is followed by another at
/// once, so the carrier keeps up with any intake.
constexpr size_t carrier_step_limit = 500;

/// Its store. `create` inserts the proposed shipment unless the order has one; `cancel` cancels
/// the order's shipment before pickup (errc::conflict after) or, when the order has none yet,
/// inserts the given CANCELLED one in its place (a later create then answers it); `step` advances
/// the oldest moving shipments unchanged for at least the given milliseconds (at most
/// carrier_step_limit) of the orders in the given shards (a PostgreSQL int array such as "{3,17}";
/// "": of every order) and answers them.
using shipping_store_actor =
  caf::typed_actor<caf::replies_to<create_atom, shipment>::with<shipment>,
                   caf::replies_to<cancel_atom, shipment>::with<shipment>,
                   caf::replies_to<get_atom, std::string>::with<shipment>,
                   caf::replies_to<advance_atom, std::string>::with<shipment>,
                   caf::replies_to<step_atom, int64_t, std::string>::with<std::vector<shipment>>>;

} // namespace agora::protocol
