#include "actors/domain/notifications.hpp"

#include <cstdio>

namespace agora::domain {

std::string_view to_string(notification_type t) {
  switch (t) {
    case notification_type::order_created: return "ORDER_CREATED";
    case notification_type::payment_status_changed: return "PAYMENT_STATUS_CHANGED";
    case notification_type::shipment_delivered: return "SHIPMENT_DELIVERED";
    case notification_type::low_inventory_alert: return "LOW_INVENTORY_ALERT";
  }
  return "ORDER_CREATED";
}

std::string format_money(int64_t cents, std::string_view currency) {
  char buf[64];
  auto sign = cents < 0 ? "-" : "";
  auto abs = cents < 0 ? -cents : cents;
  std::snprintf(buf, sizeof(buf), "%s%lld.%02lld %.*s", sign, static_cast<long long>(abs / 100),
                static_cast<long long>(abs % 100), static_cast<int>(currency.size()),
                currency.data());
  return buf;
}

namespace {

std::string order_lines(const order_state& s) {
  std::string out;
  for (auto& item : s.order.items)
    out += "  product " + std::to_string(item.product_id) + " x " + std::to_string(item.quantity)
           + " at " + format_money(item.unit_price_cents, s.order.currency) + "\n";
  out += "Total: " + format_money(s.order.total_cents, s.order.currency) + "\n";
  return out;
}

notification base(const order_state& s, notification_type type) {
  notification n;
  n.type = type;
  n.dedupe_key = s.order.id + ":" + std::to_string(s.seq);
  n.recipient = s.order.customer_email;
  n.order_id = s.order.id;
  return n;
}

} // namespace

std::optional<notification> notification_for(const order_state& s, const order_event& e) {
  switch (e.type) {
    case event_type::order_created: {
      auto n = base(s, notification_type::order_created);
      n.subject = "We received your order " + s.order.id;
      n.body_text = "Hello " + s.order.ship_to.name + ",\n\nthank you for your order " + s.order.id
                    + ":\n" + order_lines(s)
                    + "\nWe will write again when the payment has gone through.\n";
      return n;
    }
    case event_type::payment_captured:
    case event_type::payment_declined:
    case event_type::payment_refunded: {
      auto n = base(s, notification_type::payment_status_changed);
      std::string what = e.type == event_type::payment_captured   ? "was accepted"
                         : e.type == event_type::payment_declined ? "was declined"
                                                                  : "was refunded";
      n.subject = "Payment for order " + s.order.id + " " + what;
      n.body_text = "Hello " + s.order.ship_to.name + ",\n\nthe payment of "
                    + format_money(e.type == event_type::payment_refunded ? e.amount_cents
                                                                          : s.order.total_cents,
                                   s.order.currency)
                    + " for order " + s.order.id + " " + what + ".\n";
      if (e.type == event_type::payment_declined)
        n.body_text += "The order has been cancelled; nothing was charged.\n";
      return n;
    }
    case event_type::order_delivered: {
      auto n = base(s, notification_type::shipment_delivered);
      n.subject = "Your order " + s.order.id + " has been delivered";
      n.body_text = "Hello " + s.order.ship_to.name + ",\n\nyour order " + s.order.id
                    + " was delivered by " + s.carrier + " (tracking number " + s.tracking_number
                    + ").\n" + order_lines(s);
      return n;
    }
    default: return std::nullopt;
  }
}

notification low_stock_notification(const product& p, const stock_level& level,
                                    const std::string& ops_email, int64_t alert_no) {
  notification n;
  n.type = notification_type::low_inventory_alert;
  n.dedupe_key = "stock:" + std::to_string(p.id) + ":" + std::to_string(alert_no);
  n.recipient = ops_email;
  n.product_id = p.id;
  n.subject =
    "Low stock: " + p.name + " (" + p.sku + ") has " + std::to_string(level.available()) + " left";
  n.body_text = "Product " + std::to_string(p.id) + " " + p.name + " (" + p.sku + ") is down to "
                + std::to_string(level.available()) + " available (on hand "
                + std::to_string(level.on_hand) + ", reserved " + std::to_string(level.reserved)
                + ", threshold " + std::to_string(level.low_stock_threshold) + ").\n";
  return n;
}

} // namespace agora::domain
