#pragma once

#include "actors/protocol/accounts.hpp"
#include "actors/protocol/catalog.hpp"
#include "actors/protocol/cluster.hpp"
#include "actors/protocol/health.hpp"
#include "actors/protocol/introspection.hpp"
#include "actors/protocol/inventory.hpp"
#include "actors/protocol/order.hpp"
#include "actors/protocol/payment.hpp"
#include "actors/protocol/reads.hpp"
#include "actors/protocol/shipping.hpp"
#include "http/actor_bridge.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace caf {
class actor_system;
}

namespace agora::metrics {
class hub;
}

namespace agora::http {

/// The actors and facilities the routes talk to; filled in by runtime/ when it assembles a node.
struct services {
  caf::actor_system* sys = nullptr;
  std::shared_ptr<bridge_pool> bridges; ///< where request handlers talk to actors from
  metrics::hub* metrics = nullptr;
  protocol::health_actor health;
  protocol::catalog_actor catalog;
  std::vector<protocol::inventory_actor> shards; ///< indexed by inventory_shard_of
  protocol::order_router_actor orders;
  protocol::read_store_actor reads;
  protocol::payment_actor payments;
  protocol::shipping_actor shipping;
  protocol::account_store_actor accounts;
  protocol::lease_keeper_actor keeper;       ///< membership and leases as this node last saw them
  protocol::introspector_actor introspector; ///< the live actors of every node
  std::shared_ptr<class session_cache> sessions;
  std::string order_token_key; ///< keys guests' order access tokens (shared by every node)
  std::chrono::milliseconds ask_timeout{5000};    ///< a handler's wait for an actor
  std::chrono::milliseconds store_timeout{30000}; ///< and for a journal behind it (create, cancel)

  const protocol::inventory_actor& shard_for(int64_t product_id) const {
    return shards[protocol::inventory_shard_of(product_id, static_cast<uint32_t>(shards.size()))];
  }
};

/// A route's handler: one function over the services and the exchange.
using route_fn = void (*)(const services&, const exchange_ptr&);

/// The handler that calls `fn` with (a copy of) `s`: how every route binds its function.
inline handler bind(const services& s, route_fn fn) {
  return [s, fn](const exchange_ptr& ex) {
    fn(s, ex);
  };
}

} // namespace agora::http
