#pragma once

#include "actors/domain/enum_text.hpp"

#include <cstdint>

// The statuses of the contract's resources, as enums: text appears only in codecs, SQL and JSON,
// spelled by these tables (the contract's words).
namespace agora::domain {

enum class order_status : uint8_t {
  pending,
  reserved,
  paid,
  shipped,
  delivered,
  cancelled,
  rejected
};

inline constexpr enum_text<order_status> order_status_names[] = {
  {order_status::pending, "PENDING"},     {order_status::reserved, "RESERVED"},
  {order_status::paid, "PAID"},           {order_status::shipped, "SHIPPED"},
  {order_status::delivered, "DELIVERED"}, {order_status::cancelled, "CANCELLED"},
  {order_status::rejected, "REJECTED"}};
constexpr auto& text_table(order_status) {
  return order_status_names;
}

enum class order_reason : uint8_t {
  none,
  out_of_stock,
  payment_declined,
  customer_request,
  timeout
};

inline constexpr enum_text<order_reason> order_reason_names[] = {
  {order_reason::none, ""},
  {order_reason::out_of_stock, "OUT_OF_STOCK"},
  {order_reason::payment_declined, "PAYMENT_DECLINED"},
  {order_reason::customer_request, "CUSTOMER_REQUEST"},
  {order_reason::timeout, "TIMEOUT"}};
constexpr auto& text_table(order_reason) {
  return order_reason_names;
}

/// A payment as the gateway records it. VOIDED stands in for a charge stopped before it was made.
enum class payment_status : uint8_t { captured, declined, refunded, partially_refunded, voided };

inline constexpr enum_text<payment_status> payment_status_names[] = {
  {payment_status::captured, "CAPTURED"},
  {payment_status::declined, "DECLINED"},
  {payment_status::refunded, "REFUNDED"},
  {payment_status::partially_refunded, "PARTIALLY_REFUNDED"},
  {payment_status::voided, "VOIDED"}};
constexpr auto& text_table(payment_status) {
  return payment_status_names;
}

enum class shipment_status : uint8_t {
  label_created,
  in_transit,
  out_for_delivery,
  delivered,
  cancelled
};

inline constexpr enum_text<shipment_status> shipment_status_names[] = {
  {shipment_status::label_created, "LABEL_CREATED"},
  {shipment_status::in_transit, "IN_TRANSIT"},
  {shipment_status::out_for_delivery, "OUT_FOR_DELIVERY"},
  {shipment_status::delivered, "DELIVERED"},
  {shipment_status::cancelled, "CANCELLED"}};
constexpr auto& text_table(shipment_status) {
  return shipment_status_names;
}

/// Whether a shipment has left the warehouse (picked up by the carrier).
constexpr bool picked_up(shipment_status s) {
  return s == shipment_status::in_transit || s == shipment_status::out_for_delivery
         || s == shipment_status::delivered;
}

/// An order's stock on one inventory shard: held, then committed (shipped) or released.
enum class hold_status : uint8_t { held, committed, released };

inline constexpr enum_text<hold_status> hold_status_names[] = {
  {hold_status::held, "HELD"},
  {hold_status::committed, "COMMITTED"},
  {hold_status::released, "RELEASED"}};
constexpr auto& text_table(hold_status) {
  return hold_status_names;
}

} // namespace agora::domain
