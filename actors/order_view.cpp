#include "actors/order.hpp"

namespace agora::actors {

protocol::order_view view_of(const domain::order_state& s, const std::string& shipment_status) {
  protocol::order_view v;
  v.id = s.order.id;
  v.status = std::string{domain::to_string(s.status)};
  v.reason = std::string{domain::to_string(s.reason)};
  v.customer_email = s.order.customer_email;
  v.items = s.order.items;
  v.total_cents = s.order.total_cents;
  v.currency = s.order.currency;
  v.ship_to = s.order.ship_to;
  v.created_at_ms = s.created_at_ms;
  v.updated_at_ms = s.updated_at_ms;
  if (!s.payment_id.empty()) {
    v.payment_id = s.payment_id;
    v.payment_status = s.payment_refunded   ? "REFUNDED"
                       : s.payment_captured ? "CAPTURED"
                       : s.payment_declined ? "DECLINED"
                                            : "VOIDED";
    // As the payments table records it: what was asked for, 0 for a void.
    v.payment_amount_cents = s.payment_captured   ? s.captured_cents
                             : s.payment_declined ? s.order.total_cents
                                                  : 0;
  }
  if (!s.shipment_id.empty()) {
    v.shipment_id = s.shipment_id;
    v.shipment_status =
      s.shipment_cancelled ? "CANCELLED"
      : !shipment_status.empty()
        ? shipment_status
        : (s.status == domain::order_status::delivered ? "DELIVERED" : "LABEL_CREATED");
    v.tracking_number = s.tracking_number;
    v.carrier = s.carrier;
  }
  return v;
}

} // namespace agora::actors
