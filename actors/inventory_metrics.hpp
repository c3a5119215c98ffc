#pragma once

#include "actors/domain/inventory_shard.hpp"

#include <map>

namespace prometheus {
class Counter;
class Gauge;
class Registry;
} // namespace prometheus

namespace agora::actors {

/// What the inventory shards count. The shards of a node share one set, created up front, so
/// shards on several threads only ever increment.
struct inventory_metrics {
  explicit inventory_metrics(prometheus::Registry& r);

  prometheus::Counter& held;    ///< reservations decided held
  prometheus::Counter& refused; ///< reservations refused for stock
  prometheus::Counter& alerts;
  prometheus::Counter& write_failures;
  prometheus::Gauge& on_hand;
  prometheus::Gauge& reserved;
  /// agora_inventory_stock_changes_total{kind} by the event that records the change.
  std::map<domain::stock_event_type, prometheus::Counter*> changes;
};

} // namespace agora::actors
