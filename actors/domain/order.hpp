#pragma once

#include "actors/domain/enum_text.hpp"
#include "actors/domain/statuses.hpp"
#include "actors/domain/types.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The order entity, Akka style: commands are decided against the current state into events,
// events are applied (purely, the same live and on replay), and the state says which effects are
// still owed. The order actor journals the events, applies them and performs the effects; the
// rules all live here.
namespace agora::domain {

enum class event_type : uint8_t {
  order_created,
  stock_reserved,
  order_rejected,
  payment_captured,
  payment_declined,
  payment_voided,
  shipment_created,
  order_shipped,
  order_delivered,
  order_cancelled,
  stock_released,
  stock_committed,
  payment_refunded,
  shipment_cancelled,
};

inline constexpr enum_text<event_type> event_type_names[] = {
  {event_type::order_created, "ORDER_CREATED"},
  {event_type::stock_reserved, "STOCK_RESERVED"},
  {event_type::order_rejected, "ORDER_REJECTED"},
  {event_type::payment_captured, "PAYMENT_CAPTURED"},
  {event_type::payment_declined, "PAYMENT_DECLINED"},
  {event_type::payment_voided, "PAYMENT_VOIDED"},
  {event_type::shipment_created, "SHIPMENT_CREATED"},
  {event_type::order_shipped, "ORDER_SHIPPED"},
  {event_type::order_delivered, "ORDER_DELIVERED"},
  {event_type::order_cancelled, "ORDER_CANCELLED"},
  {event_type::stock_released, "STOCK_RELEASED"},
  {event_type::stock_committed, "STOCK_COMMITTED"},
  {event_type::payment_refunded, "PAYMENT_REFUNDED"},
  {event_type::shipment_cancelled, "SHIPMENT_CANCELLED"}};
constexpr auto& text_table(event_type) {
  return event_type_names;
}

/// What the front door accepted: prices and totals from the catalog.
struct order_draft {
  std::string id;
  std::string customer_email;
  std::vector<line_item> items;
  int64_t total_cents = 0;
  std::string currency = "USD";
  address ship_to;
  std::string card_token; ///< from tokenize_card(); the card number itself is never kept
  std::string card_last4;
};

/// One journal entry. A flat struct: each type uses the fields its comment names.
struct order_event {
  event_type type = event_type::order_created;
  int64_t at_ms = 0;
  order_draft draft;                        ///< order_created
  order_reason reason = order_reason::none; ///< order_rejected, order_cancelled
  std::vector<int64_t> products;            ///< order_rejected: the products short of stock
  std::string payment_id;                   ///< payment_*
  int64_t amount_cents = 0;                 ///< payment_captured, payment_refunded
  std::string detail;                       ///< payment_declined: the issuer's reason
  std::string shipment_id;                  ///< shipment_created
  std::string tracking_number;              ///< shipment_created
  std::string carrier;                      ///< shipment_created
};

/// The effects an order may owe; the actor performs each until an event says it is done.
enum class effect : uint8_t {
  reserve_stock,
  charge_payment,
  create_shipment,
  follow_shipment, ///< learn the shipment's status (after a restart, or when idle)
  commit_stock,
  release_stock,
  void_payment, ///< stop a charge that may be in flight for a cancelled order
  refund_payment,
  cancel_shipment,
};

inline constexpr enum_text<effect> effect_names[] = {
  {effect::reserve_stock, "reserve_stock"},     {effect::charge_payment, "charge_payment"},
  {effect::create_shipment, "create_shipment"}, {effect::follow_shipment, "follow_shipment"},
  {effect::commit_stock, "commit_stock"},       {effect::release_stock, "release_stock"},
  {effect::void_payment, "void_payment"},       {effect::refund_payment, "refund_payment"},
  {effect::cancel_shipment, "cancel_shipment"}};
constexpr auto& text_table(effect) {
  return effect_names;
}

struct order_state {
  bool exists = false;
  int32_t seq = 0; ///< events applied
  order_draft order;
  order_status status = order_status::pending;
  order_reason reason = order_reason::none;
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
  bool charge_requested = false;
  std::string payment_id;
  bool payment_captured = false;
  bool payment_declined = false;
  bool payment_voided = false;
  bool payment_refunded = false;
  int64_t captured_cents = 0;
  std::string shipment_id;
  std::string tracking_number;
  std::string carrier;
  bool shipment_cancelled = false;
  bool was_paid = false; ///< reached PAID, so a shipment may exist (or be under way)
  bool stock_released = false;
  bool stock_committed = false;
};

/// Why a command was refused (a business outcome, not a failure).
enum class refusal : uint8_t { none, not_found, conflict };

struct decision {
  std::vector<order_event> events;
  refusal refused = refusal::none;
  std::string why; ///< for a refusal
};

bool is_terminal(order_status s);

/// Applies one event; the same function serves live changes and replay.
void apply(order_state& state, const order_event& event);

/// Effects owed in this state, in the order they should run.
std::vector<effect> pending_effects(const order_state& state);

/// True when nothing is owed: the order may passivate for good and is skipped by recovery.
bool settled(const order_state& state);

decision decide_create(const order_state& s, order_draft draft, int64_t now_ms);
decision decide_reservation(const order_state& s, bool reserved,
                            const std::vector<int64_t>& short_products, int64_t now_ms);

enum class payment_outcome : uint8_t { captured, declined, voided };

inline constexpr enum_text<payment_outcome> payment_outcome_names[] = {
  {payment_outcome::captured, "captured"},
  {payment_outcome::declined, "declined"},
  {payment_outcome::voided, "voided"}};
constexpr auto& text_table(payment_outcome) {
  return payment_outcome_names;
}
decision decide_payment(const order_state& s, payment_outcome outcome,
                        const std::string& payment_id, int64_t amount_cents,
                        const std::string& detail, int64_t now_ms);
decision decide_shipment_created(const order_state& s, const std::string& shipment_id,
                                 const std::string& tracking, const std::string& carrier,
                                 int64_t now_ms);

decision decide_shipment_status(const order_state& s, shipment_status status, int64_t now_ms);

decision decide_cancel(const order_state& s, int64_t now_ms);

/// A step ran out of retries: the order compensates and ends CANCELLED (TIMEOUT).
decision decide_step_timeout(const order_state& s, effect step, int64_t now_ms);

/// A compensation or commit finished.
decision decide_effect_done(const order_state& s, effect done, int64_t amount_cents,
                            int64_t now_ms);

} // namespace agora::domain
