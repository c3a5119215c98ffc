#pragma once

#include "actors/domain/types.hpp"

#include <cstdint>
#include <map>
#include <vector>

// The rules of one inventory shard: reservations are all-or-nothing per shard, available stock
// never goes negative, and a low-stock alert fires once per fall below the threshold.
namespace agora::domain {

struct reservation_check {
  bool ok = false;
  std::vector<int64_t> short_products;   ///< products without enough available stock
  std::vector<int64_t> unknown_products; ///< products this shard does not hold
};

/// Whether every item can be reserved from `levels` (product id → level).
reservation_check check_reservation(const std::map<int64_t, stock_level>& levels,
                                    const std::vector<line_item>& items);

/// Whether a change from `before` to `after` should raise a LOW_INVENTORY_ALERT now. The caller
/// then disarms the alert (stock_level::low_alert_armed = false).
bool low_stock_alert_due(const stock_level& after);

/// Re-arms the alert once available is above the threshold again.
void rearm_low_stock_alert(stock_level& level);

} // namespace agora::domain
