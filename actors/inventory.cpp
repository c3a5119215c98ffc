#include "actors/inventory.hpp"

#include "actors/domain/inventory_rules.hpp"
#include "runtime/base/actor_registry.hpp"
#include "runtime/base/log.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <map>
#include <memory>
#include <unordered_map>

namespace agora::actors {

namespace {

using namespace agora::protocol;
using domain::line_item;
using domain::stock_level;

struct hold {
  domain::hold_status status = domain::hold_status::held;
  std::vector<line_item> items;
  std::chrono::steady_clock::time_point finished{}; ///< when it stopped being HELD
};

/// Finished holds stay in memory this long, so late or repeated commands for their order are
/// still answered the same way; then only the database remembers them.
constexpr std::chrono::minutes hold_memory{60};

/// What a shard counts. Every shard registers the same series (the registry merges them), all
/// created up front, so shards on several threads only ever increment.
struct inventory_metrics {
  prometheus::Counter& held;
  prometheus::Counter& refused;
  prometheus::Counter& alerts;
  prometheus::Counter& write_failures;
  prometheus::Family<prometheus::Counter>& changes;
  std::map<change_kind, prometheus::Counter*> by_kind;
  prometheus::Gauge& on_hand;
  prometheus::Gauge& reserved;

  explicit inventory_metrics(prometheus::Registry& r)
    : held(reservations(r).Add({{"result", "held"}})),
      refused(reservations(r).Add({{"result", "refused"}})),
      alerts(prometheus::BuildCounter()
               .Name("agora_inventory_low_stock_alerts_total")
               .Help("LOW_INVENTORY_ALERT mails queued (once per fall to the threshold)")
               .Register(r)
               .Add({})),
      write_failures(prometheus::BuildCounter()
                       .Name("agora_inventory_write_failures_total")
                       .Help("Stock changes the store failed to commit (the shard reloads)")
                       .Register(r)
                       .Add({})),
      changes(prometheus::BuildCounter()
                .Name("agora_inventory_stock_changes_total")
                .Help("Stock changes committed by the inventory shards, by kind")
                .Register(r)),
      on_hand(units(r).Add({{"state", "on_hand"}})),
      reserved(units(r).Add({{"state", "reserved"}})) {
    for (auto [kind, name] : {std::pair{change_kind::reserve, "reserve"},
                              {change_kind::release, "release"},
                              {change_kind::commit, "commit"},
                              {change_kind::restock, "restock"},
                              {change_kind::set_levels, "set_levels"}})
      by_kind[kind] = &changes.Add({{"kind", name}});
  }

  static prometheus::Family<prometheus::Counter>& reservations(prometheus::Registry& r) {
    return prometheus::BuildCounter()
      .Name("agora_inventory_reservations_total")
      .Help("Reservations the inventory shards decided (held, refused), one per order and shard")
      .Register(r);
  }

  static prometheus::Family<prometheus::Gauge>& units(prometheus::Registry& r) {
    return prometheus::BuildGauge()
      .Name("agora_inventory_units")
      .Help("Stock units on hand and reserved, summed over the products of this node's shards")
      .Register(r);
  }

  void committed(change_kind kind) {
    if (auto i = by_kind.find(kind); i != by_kind.end())
      i->second->Increment();
  }
};

struct shard_state {
  static inline const char* name = "inventory";
  std::shared_ptr<inventory_metrics> metrics;
  int64_t published_on_hand = 0; ///< this shard's share of agora_inventory_units
  int64_t published_reserved = 0;

  /// Brings this shard's share of agora_inventory_units up to date.
  void publish_units() {
    int64_t on_hand = 0, held = 0;
    for (auto& [id, level] : levels) {
      on_hand += level.on_hand;
      held += level.reserved;
    }
    metrics->on_hand.Increment(static_cast<double>(on_hand - published_on_hand));
    metrics->reserved.Increment(static_cast<double>(held - published_reserved));
    published_on_hand = on_hand;
    published_reserved = held;
  }

  uint32_t shard = 0;
  inventory_options options;
  inventory_store_actor store;
  std::map<int64_t, domain::product> products;
  std::map<int64_t, stock_level> levels;
  std::map<int64_t, int64_t> alerts;
  std::unordered_map<std::string, hold> holds;

  void load(const shard_snapshot& snap) {
    products.clear();
    levels.clear();
    alerts.clear();
    holds.clear();
    for (auto& p : snap.products)
      products[p.id] = p;
    for (size_t i = 0; i < snap.levels.size(); ++i) {
      levels[snap.levels[i].product_id] = snap.levels[i];
      alerts[snap.levels[i].product_id] = i < snap.alert_counts.size() ? snap.alert_counts[i] : 0;
    }
    for (auto& h : snap.holds)
      holds[h.order_id] = {h.status, h.items, std::chrono::steady_clock::now()};
  }

  /// Re-arms or fires the low-stock alert of each touched product; records both in `change`.
  void settle_alerts(stock_change& change, const std::vector<int64_t>& touched) {
    for (auto id : touched) {
      auto& level = levels.at(id);
      auto was_armed = level.low_alert_armed;
      domain::rearm_low_stock_alert(level);
      if (domain::low_stock_alert_due(level)) {
        level.low_alert_armed = false;
        auto n = ++alerts[id];
        metrics->alerts.Increment();
        change.alerts.push_back(domain::low_stock_notification(
          products[id], level, options.ops_email, n, options.public_url));
        log::info("inventory.low_stock").kv("product_id", id).kv("available", level.available());
        change.flags.push_back({id, level.low_alert_armed, n});
      } else if (level.low_alert_armed != was_armed) {
        change.flags.push_back({id, level.low_alert_armed, alerts[id]});
      }
    }
  }
};

using shard_impl = inventory_actor::extend<caf::reacts_to<tick_atom>>;
using self_ptr = shard_impl::stateful_pointer<shard_state>;

/// Writes `change` through the store, then answers `value`. A failed write leaves memory ahead of
/// the database, so the shard reloads itself from the store. No timeout: the store's group commit
/// answers every change exactly once, and a timeout could report a change that then commits.
template <class T>
caf::result<T> persist(self_ptr self, stock_change change, T value) {
  auto rp = self->make_response_promise<T>();
  auto kind = change.kind;
  self->state.publish_units();
  self->request(self->state.store, caf::infinite, commit_atom_v, std::move(change))
    .then(
      [=](bool) mutable {
        self->state.metrics->committed(kind);
        rp.deliver(value);
      },
      [=](caf::error& err) mutable {
        self->state.metrics->write_failures.Increment();
        rp.deliver(err);
        log::warn("inventory.write_failed")
          .kv("shard", self->state.shard)
          .kv("error", self->system().render(err));
        self
          ->request(self->state.store, self->state.options.store_timeout, load_atom_v,
                    self->state.shard, self->state.options.shards)
          .then(
            [=](const shard_snapshot& snap) {
              self->state.load(snap);
              self->state.publish_units();
            },
            [=](caf::error&) {
              self->quit(caf::exit_reason::unhandled_exception);
            });
      });
  return rp;
}

caf::result<reserve_reply> reserve(self_ptr self, const std::string& order_id,
                                   const std::vector<line_item>& items) {
  auto& st = self->state;
  auto known = st.holds.find(order_id);
  if (known != st.holds.end()) // a retry: the first answer stands; a released order stays so
    return reserve_reply{known->second.status != domain::hold_status::released, {}};
  auto check = domain::check_reservation(st.levels, items);
  if (!check.ok) {
    auto short_products = check.short_products;
    short_products.insert(short_products.end(), check.unknown_products.begin(),
                          check.unknown_products.end());
    st.metrics->refused.Increment();
    return reserve_reply{false, short_products};
  }
  stock_change change;
  change.kind = change_kind::reserve;
  change.shard = st.shard;
  change.order_id = order_id;
  change.items = items;
  std::vector<int64_t> touched;
  for (auto& item : items) {
    st.levels[item.product_id].reserved += item.quantity;
    touched.push_back(item.product_id);
  }
  st.holds[order_id] = {domain::hold_status::held, items};
  st.metrics->held.Increment();
  st.settle_alerts(change, touched);
  return persist(self, std::move(change), reserve_reply{true, {}});
}

/// Release (HELD → RELEASED, stock back) or commit (HELD → COMMITTED, stock leaves).
caf::result<bool> finish(self_ptr self, const std::string& order_id, change_kind kind) {
  auto& st = self->state;
  stock_change change;
  change.kind = kind;
  change.shard = st.shard;
  change.order_id = order_id;
  auto known = st.holds.find(order_id);
  if (known == st.holds.end()) {
    if (kind == change_kind::commit)
      return true; // nothing held here
    st.holds[order_id] = {domain::hold_status::released, {}, std::chrono::steady_clock::now()};
    change.tombstone = true; // a reserve arriving later is refused
    return persist(self, std::move(change), true);
  }
  if (known->second.status != domain::hold_status::held)
    return true; // done before
  std::vector<int64_t> touched;
  for (auto& item : known->second.items) {
    auto& level = st.levels[item.product_id];
    level.reserved -= item.quantity;
    if (kind == change_kind::commit)
      level.on_hand -= item.quantity;
    touched.push_back(item.product_id);
  }
  known->second.status =
    kind == change_kind::commit ? domain::hold_status::committed : domain::hold_status::released;
  known->second.finished = std::chrono::steady_clock::now();
  st.settle_alerts(change, touched);
  return persist(self, std::move(change), true);
}

caf::result<stock_level> change_levels(self_ptr self, int64_t product_id, change_kind kind,
                                       int32_t restock, const level_change& set) {
  auto& st = self->state;
  auto i = st.levels.find(product_id);
  if (i == st.levels.end())
    return caf::make_error(errc::not_found, std::string{"no such product"});
  auto next = i->second;
  if (kind == change_kind::restock) {
    next.on_hand += restock;
  } else {
    if (set.on_hand)
      next.on_hand = *set.on_hand;
    if (set.low_stock_threshold)
      next.low_stock_threshold = *set.low_stock_threshold;
  }
  if (next.on_hand < next.reserved)
    return caf::make_error(errc::conflict, "on_hand " + std::to_string(next.on_hand)
                                             + " would fall below reserved "
                                             + std::to_string(next.reserved));
  stock_change change;
  change.kind = kind;
  change.shard = st.shard;
  change.level = next;
  if (kind == change_kind::restock)
    change.level.on_hand = restock; // the store applies restocks as a delta
  i->second = next;
  st.settle_alerts(change, {product_id});
  return persist(self, std::move(change), i->second);
}

shard_impl::behavior_type shard_actor(self_ptr self, uint32_t shard, shard_snapshot snapshot,
                                      inventory_store_actor store, inventory_options options,
                                      actor_registry* registry,
                                      std::shared_ptr<inventory_metrics> metrics) {
  auto& st = self->state;
  st.shard = shard;
  st.options = std::move(options);
  st.store = std::move(store);
  st.metrics = std::move(metrics);
  st.load(snapshot);
  st.publish_units();
  track_sampled(self, *registry, "inventory", std::to_string(shard));
  self->delayed_send(self, std::chrono::minutes{1}, tick_atom_v);
  return {
    [=](reserve_atom, const std::string& order_id, const std::vector<line_item>& items) {
      return reserve(self, order_id, items);
    },
    [=](release_atom, const std::string& order_id) {
      return finish(self, order_id, change_kind::release);
    },
    [=](commit_atom, const std::string& order_id) {
      return finish(self, order_id, change_kind::commit);
    },
    [=](get_atom, int64_t product_id) -> caf::result<stock_level> {
      auto i = self->state.levels.find(product_id);
      if (i == self->state.levels.end())
        return caf::make_error(errc::not_found, std::string{"no such product"});
      return i->second;
    },
    [=](get_atom, const std::vector<int64_t>& ids) {
      std::vector<stock_level> found;
      for (auto id : ids) {
        auto i = self->state.levels.find(id);
        if (i != self->state.levels.end())
          found.push_back(i->second);
      }
      return found;
    },
    [=](restock_atom, int64_t product_id, int32_t quantity) {
      return change_levels(self, product_id, change_kind::restock, quantity, {});
    },
    [=](set_atom, int64_t product_id, const level_change& set) {
      return change_levels(self, product_id, change_kind::set_levels, 0, set);
    },
    [=](show_atom, int64_t id) -> caf::result<product_stock> {
      auto p = self->state.products.find(id);
      auto i = self->state.levels.find(id);
      if (p == self->state.products.end() || i == self->state.levels.end())
        return caf::make_error(errc::not_found, std::string{"no such product"});
      return product_stock{p->second, i->second};
    },
    [=](show_atom, const domain::product& p) -> caf::result<product_stock> {
      auto i = self->state.levels.find(p.id);
      if (i == self->state.levels.end())
        return caf::make_error(errc::not_found, std::string{"no such product"});
      return product_stock{p, i->second};
    },
    [=](tick_atom) {
      // Memory stays bounded by live holds: finished ones are forgotten after hold_memory.
      auto horizon = std::chrono::steady_clock::now() - hold_memory;
      auto& holds = self->state.holds;
      for (auto i = holds.begin(); i != holds.end();)
        i = i->second.status != domain::hold_status::held && i->second.finished < horizon
              ? holds.erase(i)
              : std::next(i);
      self->delayed_send(self, std::chrono::minutes{1}, tick_atom_v);
    },
    [=](adopt_atom, const domain::product& p, const stock_level& level) {
      self->state.products[p.id] = p;
      self->state.levels.emplace(p.id, level); // the stock row is already written
      return true;
    },
  };
}

} // namespace

inventory_actor spawn_inventory_shard(caf::actor_system& sys, uint32_t shard,
                                      shard_snapshot snapshot, inventory_store_actor store,
                                      inventory_options options, actor_registry& registry,
                                      prometheus::Registry& metrics) {
  return caf::actor_cast<inventory_actor>(
    spawn_counted(sys, shard_actor, shard, std::move(snapshot), std::move(store),
                  std::move(options), &registry, std::make_shared<inventory_metrics>(metrics)));
}

} // namespace agora::actors
