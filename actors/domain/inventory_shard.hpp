#pragma once

#include "actors/domain/entity_model.hpp"
#include "actors/domain/enum_text.hpp"
#include "actors/domain/refusal.hpp"
#include "actors/domain/statuses.hpp"
#include "actors/domain/types.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

// One inventory shard as an entity: the single writer of its products' stock. Commands (reserve,
// release, commit, restock, set levels) are decided against the state into events; events apply
// purely, the same live and after a reload. Holds are keyed by order id, so every command is
// idempotent: a retried reserve answers as the first did, a release sticks (a later reserve of
// the same order is refused), a commit of nothing held is done.
namespace agora::domain {

/// An order's stock on this shard.
struct hold {
  hold_status status = hold_status::held;
  std::vector<line_item> items; ///< while held (finished holds keep only their status)
  int64_t finished_at_ms = 0;   ///< when it was committed or released
};

struct inventory_shard_state {
  std::map<int64_t, product> products;
  std::map<int64_t, stock_level> levels;
  std::map<int64_t, int64_t> alerts; ///< LOW_INVENTORY_ALERTs sent per product
  std::unordered_map<std::string, hold> holds;
};

enum class stock_event_type : uint8_t {
  held,          ///< an order's items reserved
  released,      ///< an order's hold released (or, `tombstone`, marked released before any)
  committed,     ///< an order's hold committed: the stock left
  restocked,     ///< on_hand raised by `quantity`
  levels_set,    ///< on_hand (from `before` to `quantity`) and threshold set by an admin
  alert_raised,  ///< available fell to the threshold: one mail, alert number `alerts`
  alert_rearmed, ///< available rose above the threshold: the next fall mails again
};

inline constexpr enum_text<stock_event_type> stock_event_type_names[] = {
  {stock_event_type::held, "HELD"},
  {stock_event_type::released, "RELEASED"},
  {stock_event_type::committed, "COMMITTED"},
  {stock_event_type::restocked, "RESTOCKED"},
  {stock_event_type::levels_set, "LEVELS_SET"},
  {stock_event_type::alert_raised, "ALERT_RAISED"},
  {stock_event_type::alert_rearmed, "ALERT_REARMED"}};
constexpr auto& text_table(stock_event_type) {
  return stock_event_type_names;
}

/// A flat event: each type uses the fields its comment names.
struct stock_event {
  stock_event_type type = stock_event_type::held;
  int64_t at_ms = 0;
  std::string order_id;         ///< held, released, committed
  std::vector<line_item> items; ///< held, released, committed: the order's items on this shard
  bool tombstone = false;       ///< released: nothing was held
  int64_t product_id = 0;       ///< restocked, levels_set, alert_*
  int64_t quantity = 0;         ///< restocked: units added; levels_set: new on_hand
  int64_t before = 0;           ///< levels_set: on_hand before
  int64_t threshold = 0;        ///< levels_set: new threshold
  stock_level level;            ///< alert_raised: the level at the fall (what the mail says)
  int64_t alerts = 0;           ///< alert_*: the product's alert count after the event
};

namespace stock_cmd {

struct reserve {
  std::string order_id;
  std::vector<line_item> items;
};
struct release {
  std::string order_id;
};
struct commit {
  std::string order_id;
};
struct restock {
  int64_t product_id = 0;
  int64_t quantity = 0;
};
struct set_levels {
  int64_t product_id = 0;
  std::optional<int64_t> on_hand;
  std::optional<int64_t> threshold;
};

} // namespace stock_cmd

using stock_command = std::variant<stock_cmd::reserve, stock_cmd::release, stock_cmd::commit,
                                   stock_cmd::restock, stock_cmd::set_levels>;

struct stock_decision {
  std::vector<stock_event> events;
  refusal refused = refusal::none;
  std::string why;
  bool held = false;                   ///< reserve: the order holds its items (now, or from before)
  std::vector<int64_t> short_products; ///< reserve refused: products short or unknown here
};

void apply(inventory_shard_state& s, const stock_event& e);

stock_decision decide(const inventory_shard_state& s, const stock_command& c, int64_t now_ms);

/// Forgets holds that finished before `horizon_ms`: memory stays bounded by live holds, and the
/// database keeps refusing what they refused.
void forget_finished(inventory_shard_state& s, int64_t horizon_ms);

/// Whether `c` releases or commits a hold that `ahead` has and `durable` has not yet.
bool finishes_hold_in_flight(const stock_command& c, const inventory_shard_state& durable,
                             const inventory_shard_state& ahead);

/// A product the catalog created or changed (its stock row written with it).
void adopt(inventory_shard_state& s, const product& p, const stock_level& level);

/// A shard as the entity host runs it: no effects of its own, never passivated; its tick forgets
/// old holds.
struct inventory_shard_entity : entity_defaults<no_effect, stock_command> {
  using state = inventory_shard_state;
  using event = stock_event;
  using command = stock_command;
  using decision = stock_decision;

  /// How long finished holds are remembered.
  static constexpr int64_t hold_memory_ms = 60 * 60 * 1000;

  static void housekeeping(state& s, int64_t now_ms) {
    forget_finished(s, now_ms - hold_memory_ms);
  }
  /// A release or commit of a hold whose reserve is still being written waits for it: in one
  /// group commit their rows would run by rank, the release before the insert it releases.
  static bool waits(const command& c, const state& durable, const state& ahead) {
    return finishes_hold_in_flight(c, durable, ahead);
  }
};

} // namespace agora::domain
