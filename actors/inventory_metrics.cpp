#include "actors/inventory_metrics.hpp"

#include "runtime/base/metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>

namespace agora::actors {

namespace {

const char* reservations = "agora_inventory_reservations_total";
const char* reservations_help =
  "Reservations the inventory shards decided (held, refused), one per order and shard";
const char* units = "agora_inventory_units";
const char* units_help =
  "Stock units on hand and reserved, summed over the products of this node's shards";

} // namespace

inventory_metrics::inventory_metrics(prometheus::Registry& r)
  : held(metrics::counters(r, reservations, reservations_help).Add({{"result", "held"}})),
    refused(metrics::counters(r, reservations, reservations_help).Add({{"result", "refused"}})),
    alerts(metrics::counter(r, "agora_inventory_low_stock_alerts_total",
                            "LOW_INVENTORY_ALERT mails queued (once per fall to the threshold)")),
    write_failures(
      metrics::counter(r, "agora_inventory_write_failures_total",
                       "Stock changes the store failed to commit (the shard reloads)")),
    on_hand(metrics::gauges(r, units, units_help).Add({{"state", "on_hand"}})),
    reserved(metrics::gauges(r, units, units_help).Add({{"state", "reserved"}})) {
  auto& family = metrics::counters(r, "agora_inventory_stock_changes_total",
                                   "Stock changes committed by the inventory shards, by kind");
  using domain::stock_event_type;
  for (auto [type, kind] : {std::pair{stock_event_type::held, "reserve"},
                            {stock_event_type::released, "release"},
                            {stock_event_type::committed, "commit"},
                            {stock_event_type::restocked, "restock"},
                            {stock_event_type::levels_set, "set_levels"}})
    changes[type] = &family.Add({{"kind", kind}});
}

} // namespace agora::actors
