#include "actors/protocol/order.hpp"

namespace agora::protocol {

order_view view_of(const domain::order_state& s, std::optional<domain::shipment_status> seen) {
  using domain::payment_status;
  using domain::shipment_status;
  order_view v;
  v.id = s.order.id;
  v.status = s.status;
  v.reason = s.reason;
  v.customer_email = s.order.customer_email;
  v.customer_id = s.order.customer_id;
  v.items = s.order.items;
  v.total_cents = s.order.total_cents;
  v.currency = s.order.currency;
  v.ship_to = s.order.ship_to;
  v.created_at_ms = s.created_at_ms;
  v.updated_at_ms = s.updated_at_ms;
  if (!s.payment_id.empty()) {
    v.payment_id = s.payment_id;
    v.payment_status = s.payment_refunded   ? payment_status::refunded
                       : s.payment_captured ? payment_status::captured
                       : s.payment_declined ? payment_status::declined
                                            : payment_status::voided;
    // As the payments table records it: what was asked for, 0 for a void.
    v.payment_amount_cents = s.payment_captured   ? s.captured_cents
                             : s.payment_declined ? s.order.total_cents
                                                  : 0;
  }
  if (!s.shipment_id.empty()) {
    v.shipment_id = s.shipment_id;
    v.shipment_status =
      s.shipment_cancelled ? shipment_status::cancelled
      : seen               ? *seen
             : (s.status == domain::order_status::delivered ? shipment_status::delivered
                                                            : shipment_status::label_created);
    v.tracking_number = s.tracking_number;
    v.carrier = s.carrier;
  }
  return v;
}

} // namespace agora::protocol
