#pragma once

#include "actors/domain/entity_model.hpp"
#include "actors/domain/enum_text.hpp"
#include "actors/domain/refusal.hpp"
#include "actors/domain/retry.hpp"
#include "actors/domain/statuses.hpp"
#include "actors/domain/types.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
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
  payment_refund_issued, ///< staff refunded (part of) the payment; not the cancel's refund
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
  {event_type::shipment_cancelled, "SHIPMENT_CANCELLED"},
  {event_type::payment_refund_issued, "PAYMENT_REFUND_ISSUED"}};
constexpr auto& text_table(event_type) {
  return event_type_names;
}

/// What the front door accepted: prices and totals from the catalog.
struct order_draft {
  std::string id;
  std::string customer_email;
  std::string customer_id; ///< the account that placed it ("cus_..."); empty for a guest
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
  std::string detail; ///< payment_declined: the issuer's reason; payment_refund_issued: its key
  std::string shipment_id;     ///< shipment_created
  std::string tracking_number; ///< shipment_created
  std::string carrier;         ///< shipment_created
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
  std::vector<std::string> staff_refunds; ///< keys of the staff refunds journaled
  int64_t captured_cents = 0;
  std::string shipment_id;
  std::string tracking_number;
  std::string carrier;
  bool shipment_cancelled = false;
  bool was_paid = false; ///< reached PAID, so a shipment may exist (or be under way)
  bool stock_released = false;
  bool stock_committed = false;
};

enum class payment_outcome : uint8_t { captured, declined, voided };

inline constexpr enum_text<payment_outcome> payment_outcome_names[] = {
  {payment_outcome::captured, "captured"},
  {payment_outcome::declined, "declined"},
  {payment_outcome::voided, "voided"}};
constexpr auto& text_table(payment_outcome) {
  return payment_outcome_names;
}

/// What a payment's status says of its charge.
constexpr payment_outcome outcome_of(payment_status s) {
  return s == payment_status::declined ? payment_outcome::declined
         : s == payment_status::voided ? payment_outcome::voided
                                       : payment_outcome::captured;
}
struct decision {
  std::vector<order_event> events;
  refusal refused = refusal::none;
  std::string why; ///< for a refusal
  /// Before deciding, perform this effect and decide again with its answer (a paid order's
  /// cancel asks shipping to cancel the shipment first).
  std::optional<effect> consult;
};

/// The commands an order decides: the customer's, and the answers of the services it asked.
namespace order_cmd {

struct place {
  order_draft draft;
  std::string idempotency_key; ///< recorded with ORDER_CREATED
  std::string request_hash;
};
struct cancel {};
/// Shipping's answer to a paid order's cancel.
enum class shipment_cancel : uint8_t { cancelled, picked_up, unanswered };
struct cancel_answer {
  shipment_cancel outcome = shipment_cancel::unanswered;
};
/// News of the order's shipment (from shipping, or asked for).
struct shipment_update {
  std::string shipment_id;
  shipment_status status = shipment_status::label_created;
};
struct reservation_answer {
  bool held = false;
  std::vector<int64_t> short_products;
};
struct payment_answer {
  payment_outcome outcome = payment_outcome::captured;
  std::string payment_id;
  int64_t amount_cents = 0;
  std::string detail;
};
struct shipment_answer {
  std::string shipment_id;
  std::string tracking_number;
  std::string carrier;
  shipment_status status = shipment_status::label_created;
};
/// A compensation or the stock commit finished (`amount_cents`: what a refund returned).
struct effect_answer {
  effect done = effect::release_stock;
  int64_t amount_cents = 0;
};
/// Staff refunded (part of) the order's payment, `amount_cents` in all so far; `key` makes a retry
/// journal it once.
struct staff_refund {
  std::string payment_id;
  int64_t amount_cents = 0;
  std::string key;
};
/// A step failed as often as its retry policy allows.
struct give_up {
  effect step = effect::reserve_stock;
};

} // namespace order_cmd

using order_command =
  std::variant<order_cmd::place, order_cmd::cancel, order_cmd::cancel_answer,
               order_cmd::shipment_update, order_cmd::reservation_answer, order_cmd::payment_answer,
               order_cmd::shipment_answer, order_cmd::effect_answer, order_cmd::give_up,
               order_cmd::staff_refund>;

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

/// Any command: the decide_* rule it names.
decision decide(const order_state& s, const order_command& c, int64_t now_ms);

/// Whether the order has left PENDING and RESERVED (what `Prefer: wait` waits for).
bool decided(const order_state& s);

/// After `failures` failed attempts of `step`: a forward step (reserve, charge, create the
/// shipment) gives up after three, and the order compensates; the others retry for ever, backing
/// off from 400 ms to 30 s.
retry_step step_retry(effect step, int failures);

/// An order as the entity host runs it: the rules above, named as the host expects.
struct order_entity : entity_defaults<effect, order_command> {
  using state = order_state;
  using event = order_event;
  using command = order_command;
  using decision = domain::decision;

  static std::optional<effect> consults(const decision& d) {
    return d.consult;
  }
  static std::vector<effect> owed(const state& s) {
    return pending_effects(s);
  }
  static bool settled(const state& s) {
    return domain::settled(s);
  }
  static bool exists(const state& s) {
    return s.exists;
  }
  static bool awaited(const state& s) {
    return decided(s);
  }
  static retry_step retry(effect e, int failures) {
    return step_retry(e, failures);
  }
  static command gave_up(effect e) {
    return order_cmd::give_up{e};
  }
  /// Creating the shipment, like asking for it, subscribes the order to its news.
  static std::optional<effect> subscribes(effect e) {
    if (e == effect::create_shipment || e == effect::follow_shipment)
      return effect::follow_shipment;
    return std::nullopt;
  }
  /// The stock commit only records what the inventory did (idempotently, keyed by the order):
  /// its event rides with the order's next append, unless the order is terminal already.
  static bool rides(effect e, const state& ahead) {
    return e == effect::commit_stock && !is_terminal(ahead.status);
  }
};

} // namespace agora::domain
