#pragma once

#include "actors/domain/inventory_shard.hpp"
#include "actors/domain/statuses.hpp"
#include "actors/protocol/atoms.hpp"
#include "actors/protocol/domain_types.hpp"
#include "actors/protocol/entity.hpp"
#include "actors/protocol/errors.hpp"

#include <caf/error.hpp>
#include <caf/message.hpp>
#include <caf/optional.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

// Inventory: one actor per shard (product id → shard), the single writer of its products' stock.
// Reserve, release and commit are keyed by order id, so each is idempotent.

namespace agora::domain {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stock_event& x) {
  return f(caf::meta::type_name("stock_event"), x.type, x.at_ms, x.order_id, x.items, x.tombstone,
           x.product_id, x.quantity, x.before, x.threshold, x.level, x.alerts);
}

} // namespace agora::domain

namespace agora::protocol {

struct reserve_reply {
  bool ok = false;
  std::vector<int64_t> short_products; ///< when refused: products without enough stock
};

/// Admin change of one product's levels; absent fields stay as they are.
struct level_change {
  caf::optional<int64_t> on_hand;
  caf::optional<int64_t> low_stock_threshold;
};

/// What a shard loads at start: its products, their stock and its live holds.
struct shard_hold {
  std::string order_id;
  domain::hold_status status = domain::hold_status::held;
  std::vector<domain::line_item> items;
};

struct shard_snapshot {
  std::vector<domain::product> products;
  std::vector<domain::stock_level> levels;
  std::vector<shard_hold> holds;
  std::vector<int64_t> alert_counts; ///< low_alerts per product, parallel to `levels`
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, reserve_reply& x) {
  return f(caf::meta::type_name("reserve_reply"), x.ok, x.short_products);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, level_change& x) {
  return f(caf::meta::type_name("level_change"), x.on_hand, x.low_stock_threshold);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, shard_hold& x) {
  return f(caf::meta::type_name("shard_hold"), x.order_id, x.status, x.items);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, shard_snapshot& x) {
  return f(caf::meta::type_name("shard_snapshot"), x.products, x.levels, x.holds, x.alert_counts);
}

/// A product with its current stock, as the door shows it.
struct product_stock {
  domain::product product;
  domain::stock_level level;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, product_stock& x) {
  return f(caf::meta::type_name("product_stock"), x.product, x.level);
}

/// One write of a shard: its events (applied in order), with the LOW_INVENTORY_ALERT mails they
/// cause, in one transaction. Reserve, release and commit move the order's hold (the database
/// refuses a second hold of the same order and shard); the stock deltas follow from the hold's
/// reservations, so a write can never apply twice.
struct shard_append {
  fence token; ///< token.shard is the inventory shard
  std::vector<domain::stock_event> events;
  std::vector<domain::notification> alerts;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, shard_append& x) {
  return f(caf::meta::type_name("shard_append"), x.token, x.events, x.alerts);
}

/// A stock command (reserve, release or commit) on its way to the node that owns its shard, in a
/// bag with the others bound there (cluster/courier.hpp); `id` is the courier's, for the answer.
struct carried_command {
  uint64_t id = 0;
  uint32_t shard = 0;
  caf::message command;
};

/// The answer to one carried command: the shard's reply, or why there is none.
struct carried_answer {
  uint64_t id = 0;
  caf::message reply;
  caf::error error;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, carried_command& x) {
  return f(caf::meta::type_name("carried_command"), x.id, x.shard, x.command);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, carried_answer& x) {
  return f(caf::meta::type_name("carried_answer"), x.id, x.reply, x.error);
}

/// Whether a shard's message is a stock command, which couriers carry in bags; other messages
/// (reads, admin changes) go to the owner one by one.
inline bool is_stock_command(const caf::message& m) {
  return m.match_element<reserve_atom>(0) || m.match_element<release_atom>(0)
         || m.match_element<commit_atom>(0);
}

/// The shard a product belongs to.
inline uint32_t inventory_shard_of(int64_t product_id, uint32_t shards) {
  return static_cast<uint32_t>(static_cast<uint64_t>(product_id) % shards);
}

} // namespace agora::protocol

CAF_BEGIN_TYPE_ID_BLOCK(agora_inventory, agora::protocol::inventory_first_type_id)
CAF_ADD_TYPE_ID(agora_inventory, (agora::protocol::reserve_reply))
CAF_ADD_TYPE_ID(agora_inventory, (agora::protocol::level_change))
CAF_ADD_TYPE_ID(agora_inventory, (agora::protocol::shard_hold))
CAF_ADD_TYPE_ID(agora_inventory, (agora::protocol::shard_snapshot))
CAF_ADD_TYPE_ID(agora_inventory, (agora::protocol::shard_append))
CAF_ADD_TYPE_ID(agora_inventory, (agora::protocol::product_stock))
CAF_ADD_TYPE_ID(agora_inventory, (agora::domain::stock_event))
CAF_ADD_TYPE_ID(agora_inventory, (std::vector<agora::protocol::shard_hold>))
CAF_ADD_TYPE_ID(agora_inventory, (std::vector<agora::domain::stock_event>))
CAF_ADD_TYPE_ID(agora_inventory, (agora::protocol::carried_command))
CAF_ADD_TYPE_ID(agora_inventory, (agora::protocol::carried_answer))
CAF_ADD_TYPE_ID(agora_inventory, (std::vector<agora::protocol::carried_command>))
CAF_ADD_TYPE_ID(agora_inventory, (std::vector<agora::protocol::carried_answer>))
CAF_END_TYPE_ID_BLOCK(agora_inventory)

namespace agora::protocol {

/// One inventory shard. `reserve` holds every item or none (out of stock, or the order was
/// released already); `release` and `commit` answer true whatever was held. `get` of one product,
/// `restock` and `set` answer its levels (`get` of many: those found), or errc::not_found; `set`
/// fails with errc::conflict when on_hand would fall below reserved. `adopt` adds a product created
/// (or changed) by the catalog before the catalog answers, so `show` of a product id answers the
/// current product with its stock straight from its shard. `handoff` stops the shard taking
/// commands, lands its writes, passes the commands it holds on to the given successor (an
/// inventory_actor; their requesters get its answers) and ends the shard, answering true.
using inventory_actor = caf::typed_actor<
  caf::replies_to<reserve_atom, std::string, std::vector<domain::line_item>>::with<reserve_reply>,
  caf::replies_to<release_atom, std::string>::with<bool>,
  caf::replies_to<commit_atom, std::string>::with<bool>,
  caf::replies_to<get_atom, int64_t>::with<domain::stock_level>,
  caf::replies_to<get_atom, std::vector<int64_t>>::with<std::vector<domain::stock_level>>,
  caf::replies_to<show_atom, domain::product>::with<product_stock>,
  caf::replies_to<show_atom, int64_t>::with<product_stock>,
  caf::replies_to<restock_atom, int64_t, int64_t>::with<domain::stock_level>,
  caf::replies_to<set_atom, int64_t, level_change>::with<domain::stock_level>,
  caf::replies_to<adopt_atom, domain::product, domain::stock_level>::with<bool>,
  caf::replies_to<handoff_atom, caf::actor>::with<bool>>;

/// The inventory's store: a shard's snapshot (shard number, shard count), and a shard's write made
/// durable (group-committed with other shards' and orders' writes) before the shard answers.
using inventory_store_actor =
  caf::typed_actor<caf::replies_to<load_atom, uint32_t, uint32_t>::with<shard_snapshot>,
                   caf::replies_to<commit_atom, shard_append>::with<bool>>;

} // namespace agora::protocol
