#include "actors/domain/inventory_rules.hpp"

namespace agora::domain {

reservation_check check_reservation(const std::map<int64_t, stock_level>& levels,
                                    const std::vector<line_item>& items) {
  reservation_check out;
  for (auto& item : items) {
    auto i = levels.find(item.product_id);
    if (i == levels.end())
      out.unknown_products.push_back(item.product_id);
    else if (i->second.available() < item.quantity)
      out.short_products.push_back(item.product_id);
  }
  out.ok = out.short_products.empty() && out.unknown_products.empty() && !items.empty();
  return out;
}

bool low_stock_alert_due(const stock_level& after) {
  return after.low_alert_armed && after.available() <= after.low_stock_threshold;
}

void rearm_low_stock_alert(stock_level& level) {
  if (level.available() > level.low_stock_threshold)
    level.low_alert_armed = true;
}

} // namespace agora::domain
