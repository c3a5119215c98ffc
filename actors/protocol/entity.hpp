#pragma once

#include "actors/domain/hash.hpp"
#include "actors/protocol/id_offsets.hpp"

#include <caf/meta/type_name.hpp>
#include <caf/type_id.hpp>

#include <cstdint>
#include <string_view>

// What every keyed, journaled entity (an order, an inventory shard) carries on its writes.

namespace agora::protocol {

/// The keyed kinds whose shards are leased: order ids and inventory products hash to shards.
inline constexpr std::string_view orders_kind = "orders";
inline constexpr std::string_view inventory_kind = "inventory";

/// The shard of an order id among `shards` (every node must use the same count).
constexpr uint32_t order_shard(std::string_view order_id, uint32_t shards) {
  return domain::shard_of(order_id, shards);
}

/// The fencing token of a write: the shard its entity belongs to and the epoch of that shard's
/// lease. A store may refuse a write whose epoch is older than the shard's current one, so an
/// owner that lost its lease cannot write behind its successor. Epoch 0: no lease (one node).
struct fence {
  uint32_t shard = 0;
  uint64_t epoch = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, fence& x) {
  return f(caf::meta::type_name("fence"), x.shard, x.epoch);
}

} // namespace agora::protocol

CAF_BEGIN_TYPE_ID_BLOCK(agora_entity, agora::protocol::entity_first_type_id)
CAF_ADD_TYPE_ID(agora_entity, (agora::protocol::fence))
CAF_END_TYPE_ID_BLOCK(agora_entity)
