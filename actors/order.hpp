#pragma once

#include "actors/protocol/inventory.hpp"
#include "actors/protocol/order.hpp"
#include "actors/protocol/payment.hpp"
#include "actors/protocol/shipping.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace caf {
class actor_system;
}

namespace agora {
class actor_registry;
}

namespace agora::actors {

class order_metrics;

struct order_options {
  std::chrono::milliseconds step_timeout{5000}; ///< one attempt of a saga step
  std::chrono::milliseconds idle{60000};        ///< an idle order passivates after this
  std::chrono::milliseconds store_timeout{30000};
  uint32_t shards = 64;   ///< order ids hash to this many shards (the fencing token's shard)
  std::string public_url; ///< links in mails start with it
  std::string link_key;   ///< keys the access token that links in mails carry (none: no token)
  /// New orders are refused (errc::overloaded, a 503 at the door) while this many orders on the
  /// node are still PENDING or RESERVED: a saga backlog beyond it would only time out. 0: no limit.
  int64_t max_in_progress = 1000;
  /// How often the router looks for its orders behind their shipment (news lost while a node
  /// stopped or a shard moved), and how long a shipment's move must be past to count. 0: never.
  std::chrono::milliseconds reconcile_every{5000};
  std::chrono::milliseconds reconcile_after{10000};
};

/// Who an order talks to.
struct order_peers {
  protocol::order_store_actor store;
  std::vector<protocol::inventory_actor> shards;
  protocol::payment_actor payments;
  protocol::shipping_actor shipping;
  order_metrics* metrics = nullptr;
  actor_registry* registry = nullptr;
  /// The cluster's order router: where a handed-over order's held commands and news go, so they
  /// reach the shard's next owner.
  protocol::order_router_actor cluster;
};

/// Spawns the actor of order `id` over its journal (empty for a new order). It resumes whatever
/// effects its state owes, and stops when settled or idle. Its appends carry `token`.
protocol::order_actor spawn_order(caf::actor_system& sys, std::string id,
                                  std::vector<domain::order_event> journal, order_peers peers,
                                  order_options options, protocol::fence token = {});

} // namespace agora::actors
