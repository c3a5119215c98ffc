#pragma once

#include "actors/domain/enum_text.hpp"
#include "actors/domain/order.hpp"
#include "actors/domain/types.hpp"

#include <optional>
#include <string>
#include <string_view>

// What mail an event causes, and its text. The outbox row is written in the same transaction as
// the event (no mail for an uncommitted change, none lost), keyed so a replay cannot double it.
namespace agora::domain {

enum class notification_type : uint8_t {
  order_created,
  payment_status_changed,
  shipment_delivered,
  low_inventory_alert,
};

inline constexpr enum_text<notification_type> notification_type_names[] = {
  {notification_type::order_created, "ORDER_CREATED"},
  {notification_type::payment_status_changed, "PAYMENT_STATUS_CHANGED"},
  {notification_type::shipment_delivered, "SHIPMENT_DELIVERED"},
  {notification_type::low_inventory_alert, "LOW_INVENTORY_ALERT"}};
constexpr auto& text_table(notification_type) {
  return notification_type_names;
}

struct notification {
  notification_type type = notification_type::order_created;
  std::string dedupe_key; ///< unique per cause, e.g. "<order id>:3"
  std::string recipient;
  std::string subject;
  std::string body_text;
  std::string body_html;  ///< the same template rendered as HTML
  std::string order_id;   ///< empty for stock alerts
  int64_t product_id = 0; ///< stock alerts only
};

/// The mail an order event causes, if any; `after` is the state with the event applied. Links in
/// the mail open the order's page in the shop (`public_url` + "/shop/orders/{id}", e.g.
/// "https://shop.example"; empty: no links) and carry the
/// order's `access_token` (so a guest's link opens the order).
std::optional<notification> notification_for(const order_state& after, const order_event& event,
                                             std::string_view public_url = {},
                                             std::string_view access_token = {});

/// The LOW_INVENTORY_ALERT for `level` of `p`, to the operations address. `alert_no` counts the
/// product's alerts, so each fall below the threshold mails once.
notification low_stock_notification(const product& p, const stock_level& level,
                                    const std::string& ops_email, int64_t alert_no,
                                    std::string_view public_url = {});

/// "$12.34" style rendering of cents in `currency`.
std::string format_money(int64_t cents, std::string_view currency);

} // namespace agora::domain
