#include "actors/domain/inventory_shard.hpp"

#include "actors/domain/inventory_rules.hpp"
#include "actors/domain/overloaded.hpp"

namespace agora::domain {

namespace {

int64_t quantity_of(const std::vector<line_item>& items, int64_t product_id) {
  int64_t n = 0;
  for (auto& item : items)
    if (item.product_id == product_id)
      n += item.quantity;
  return n;
}

/// What `e` does to the level of `level.product_id`.
void apply_to_level(stock_level& level, const stock_event& e) {
  auto q = quantity_of(e.items, level.product_id);
  switch (e.type) {
    case stock_event_type::held: level.reserved += q; break;
    case stock_event_type::released: level.reserved -= q; break;
    case stock_event_type::committed:
      level.reserved -= q;
      level.on_hand -= q;
      break;
    case stock_event_type::restocked:
      if (e.product_id == level.product_id)
        level.on_hand += e.quantity;
      break;
    case stock_event_type::levels_set:
      if (e.product_id == level.product_id) {
        level.on_hand = e.quantity;
        level.low_stock_threshold = e.threshold;
      }
      break;
    case stock_event_type::alert_raised:
    case stock_event_type::alert_rearmed:
      if (e.product_id == level.product_id)
        level.low_alert_armed = e.type == stock_event_type::alert_rearmed;
      break;
  }
}

stock_event make(stock_event_type t, int64_t now_ms) {
  return event_at<stock_event>(t, now_ms);
}

stock_decision refuse(refusal r, std::string why) {
  return refusing<stock_decision>(r, std::move(why));
}

/// Adds the alert events the decision's changes cause: a fall to the threshold mails once, a
/// rise above it re-arms the alert.
void settle_alerts(const inventory_shard_state& s, stock_decision& d,
                   const std::vector<int64_t>& touched, int64_t now_ms) {
  for (auto id : touched) {
    auto level = s.levels.at(id);
    for (auto& e : d.events)
      apply_to_level(level, e);
    auto was_armed = level.low_alert_armed;
    rearm_low_stock_alert(level);
    auto sent = s.alerts.count(id) ? s.alerts.at(id) : 0;
    if (low_stock_alert_due(level)) {
      auto e = make(stock_event_type::alert_raised, now_ms);
      e.product_id = id;
      e.alerts = sent + 1;
      e.level = level;
      d.events.push_back(e);
    } else if (level.low_alert_armed != was_armed) {
      auto e = make(stock_event_type::alert_rearmed, now_ms);
      e.product_id = id;
      e.alerts = sent;
      d.events.push_back(e);
    }
  }
}

std::vector<int64_t> products_of(const std::vector<line_item>& items) {
  std::vector<int64_t> out;
  for (auto& item : items)
    out.push_back(item.product_id);
  return out;
}

stock_decision decide_reserve(const inventory_shard_state& s, const stock_cmd::reserve& c,
                              int64_t now_ms) {
  stock_decision d;
  if (auto known = s.holds.find(c.order_id); known != s.holds.end()) {
    d.held = known->second.status != hold_status::released; // the first answer stands
    return d;
  }
  auto check = check_reservation(s.levels, c.items);
  if (!check.ok) {
    d.short_products = check.short_products;
    d.short_products.insert(d.short_products.end(), check.unknown_products.begin(),
                            check.unknown_products.end());
    return d;
  }
  d.held = true;
  auto e = make(stock_event_type::held, now_ms);
  e.order_id = c.order_id;
  e.items = c.items;
  d.events.push_back(e);
  settle_alerts(s, d, products_of(c.items), now_ms);
  return d;
}

/// Release (HELD → RELEASED, stock back) or commit (HELD → COMMITTED, stock leaves).
stock_decision decide_finish(const inventory_shard_state& s, const std::string& order_id,
                             stock_event_type type, int64_t now_ms) {
  stock_decision d;
  auto known = s.holds.find(order_id);
  if (known == s.holds.end()) {
    if (type == stock_event_type::released) { // a reserve arriving later is refused
      auto e = make(type, now_ms);
      e.order_id = order_id;
      e.tombstone = true;
      d.events.push_back(e);
    }
    return d; // a commit of nothing held here is done
  }
  if (known->second.status != hold_status::held)
    return d; // done before
  auto e = make(type, now_ms);
  e.order_id = order_id;
  e.items = known->second.items;
  d.events.push_back(e);
  settle_alerts(s, d, products_of(e.items), now_ms);
  return d;
}

stock_decision decide_levels(const inventory_shard_state& s, const stock_cmd::set_levels& c,
                             int64_t now_ms) {
  auto i = s.levels.find(c.product_id);
  if (i == s.levels.end())
    return refuse(refusal::not_found, "no such product");
  auto next = i->second;
  if (c.on_hand.value_or(0) > max_units || c.threshold.value_or(0) > max_units)
    return refuse(refusal::conflict, "levels are at most " + std::to_string(max_units));
  next.on_hand = c.on_hand.value_or(next.on_hand);
  next.low_stock_threshold = c.threshold.value_or(next.low_stock_threshold);
  if (next.on_hand < next.reserved)
    return refuse(refusal::conflict, "on_hand " + std::to_string(next.on_hand)
                                       + " would fall below reserved "
                                       + std::to_string(next.reserved));
  stock_decision d;
  auto e = make(stock_event_type::levels_set, now_ms);
  e.product_id = c.product_id;
  e.before = i->second.on_hand;
  e.quantity = next.on_hand;
  e.threshold = next.low_stock_threshold;
  d.events.push_back(e);
  settle_alerts(s, d, {c.product_id}, now_ms);
  return d;
}

stock_decision decide_restock(const inventory_shard_state& s, const stock_cmd::restock& c,
                              int64_t now_ms) {
  auto i = s.levels.find(c.product_id);
  if (i == s.levels.end())
    return refuse(refusal::not_found, "no such product");
  if (c.quantity > max_units - i->second.on_hand)
    return refuse(refusal::conflict, "on_hand would exceed " + std::to_string(max_units));
  stock_decision d;
  auto e = make(stock_event_type::restocked, now_ms);
  e.product_id = c.product_id;
  e.quantity = c.quantity;
  d.events.push_back(e);
  settle_alerts(s, d, {c.product_id}, now_ms);
  return d;
}

} // namespace

void apply(inventory_shard_state& s, const stock_event& e) {
  switch (e.type) {
    case stock_event_type::held:
    case stock_event_type::released:
    case stock_event_type::committed: {
      for (auto& item : e.items)
        apply_to_level(s.levels[item.product_id], e);
      auto& h = s.holds[e.order_id];
      if (e.type == stock_event_type::held) {
        h = {hold_status::held, e.items, 0};
        break;
      }
      h.status =
        e.type == stock_event_type::committed ? hold_status::committed : hold_status::released;
      h.items.clear();
      h.finished_at_ms = e.at_ms;
      break;
    }
    case stock_event_type::alert_raised:
    case stock_event_type::alert_rearmed: s.alerts[e.product_id] = e.alerts; [[fallthrough]];
    case stock_event_type::restocked:
    case stock_event_type::levels_set: apply_to_level(s.levels[e.product_id], e); break;
  }
}

stock_decision decide(const inventory_shard_state& s, const stock_command& c, int64_t now_ms) {
  using namespace stock_cmd;
  return std::visit(overloaded{
                      [&](const reserve& x) {
                        return decide_reserve(s, x, now_ms);
                      },
                      [&](const release& x) {
                        return decide_finish(s, x.order_id, stock_event_type::released, now_ms);
                      },
                      [&](const commit& x) {
                        return decide_finish(s, x.order_id, stock_event_type::committed, now_ms);
                      },
                      [&](const restock& x) {
                        return decide_restock(s, x, now_ms);
                      },
                      [&](const set_levels& x) {
                        return decide_levels(s, x, now_ms);
                      },
                    },
                    c);
}

void forget_finished(inventory_shard_state& s, int64_t horizon_ms) {
  for (auto i = s.holds.begin(); i != s.holds.end();)
    i = i->second.status != hold_status::held && i->second.finished_at_ms < horizon_ms
          ? s.holds.erase(i)
          : std::next(i);
}

bool finishes_hold_in_flight(const stock_command& c, const inventory_shard_state& durable,
                             const inventory_shard_state& ahead) {
  const std::string* order_id = nullptr;
  if (auto* r = std::get_if<stock_cmd::release>(&c))
    order_id = &r->order_id;
  else if (auto* m = std::get_if<stock_cmd::commit>(&c))
    order_id = &m->order_id;
  return order_id && ahead.holds.count(*order_id) && !durable.holds.count(*order_id);
}

void adopt(inventory_shard_state& s, const product& p, const stock_level& level) {
  s.products[p.id] = p;
  s.levels.emplace(p.id, level); // a product changed keeps its stock
}

} // namespace agora::domain
