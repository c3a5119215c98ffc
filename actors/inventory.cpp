#include "actors/inventory.hpp"

#include "actors/domain/notifications.hpp"
#include "actors/domain/overloaded.hpp"
#include "actors/entity/port_base.hpp"
#include "actors/inventory_metrics.hpp"
#include "runtime/base/actor_registry.hpp"
#include "runtime/base/clock.hpp"
#include "runtime/base/log.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>

#include <map>
#include <memory>

// An inventory shard's actor: the shard domain (actors/domain/inventory_shard.*) run by the entity
// host, wired here to its store.
namespace agora::actors {

namespace {

using namespace agora::protocol;
using namespace std::chrono;
using domain::stock_event_type;
namespace cmd = domain::stock_cmd;
using shard_entity = domain::inventory_shard_entity;

using shard_impl = inventory_actor::extend<caf::reacts_to<tick_atom>>;
using item = entity::pending<shard_entity>;
struct shard_port;
using shard_host = entity::host<shard_entity, shard_port>;

struct shard_state {
  static inline const char* name = "inventory";
  uint32_t shard = 0;
  inventory_options options;
  inventory_store_actor store;
  std::shared_ptr<inventory_metrics> metrics;
  int64_t published_on_hand = 0; ///< this shard's share of agora_inventory_units
  int64_t published_reserved = 0;
  caf::actor successor;             ///< where a handoff sends the commands held
  std::unique_ptr<shard_host> host; ///< behind a pointer: its port needs this state
};

using self_ptr = shard_impl::stateful_pointer<shard_state>;

shard_host& host_of(self_ptr self);

/// The shard's state as its store loaded it; finished holds are kept another hold memory.
domain::inventory_shard_state state_of(const shard_snapshot& snap) {
  domain::inventory_shard_state s;
  for (auto& p : snap.products)
    s.products[p.id] = p;
  for (size_t i = 0; i < snap.levels.size(); ++i) {
    auto id = snap.levels[i].product_id;
    s.levels[id] = snap.levels[i];
    s.alerts[id] = i < snap.alert_counts.size() ? snap.alert_counts[i] : 0;
  }
  auto now = unix_ms();
  for (auto& h : snap.holds)
    s.holds[h.order_id] = {h.status, h.items, h.status == domain::hold_status::held ? 0 : now};
  return s;
}

/// Brings this shard's share of agora_inventory_units up to date.
void publish_units(self_ptr self, const domain::inventory_shard_state& s) {
  auto& st = self->state;
  int64_t on_hand = 0, held = 0;
  for (auto& [id, level] : s.levels) {
    on_hand += level.on_hand;
    held += level.reserved;
  }
  st.metrics->on_hand.Increment(static_cast<double>(on_hand - st.published_on_hand));
  st.metrics->reserved.Increment(static_cast<double>(held - st.published_reserved));
  st.published_on_hand = on_hand;
  st.published_reserved = held;
}

/// What the entity host asks of a shard's actor.
struct shard_port : entity::port_base<std::remove_pointer_t<self_ptr>> {
  /// Writes the events with the alert mails they cause. No timeout: the store's group commit
  /// answers every write exactly once, and a timeout could report a write that then commits.
  void persist(std::vector<domain::stock_event> events, const std::deque<item>&,
               const domain::inventory_shard_state&,
               const domain::inventory_shard_state& after) const {
    auto& st = self->state;
    shard_append a;
    a.token = host_of(self).fence();
    for (auto& e : events)
      if (e.type == stock_event_type::alert_raised)
        a.alerts.push_back(domain::low_stock_notification(after.products.at(e.product_id), e.level,
                                                          st.options.ops_email, e.alerts,
                                                          st.options.public_url));
    a.events = std::move(events);
    self->request(st.store, caf::infinite, commit_atom_v, std::move(a))
      .then(
        [s = self](bool) {
          host_of(s).persisted({});
        },
        [s = self](caf::error& err) {
          host_of(s).persisted(err);
        });
  }

  void answer(item& it, const domain::inventory_shard_state& s, const caf::error& err) const {
    auto& d = it.decision;
    if (err)
      return it.promise.deliver(err);
    if (auto no = refused(d.refused, d.why))
      return it.promise.deliver(no);
    auto& metrics = *self->state.metrics;
    std::visit(domain::overloaded{
                 [&](const cmd::reserve&) {
                   if (!d.events.empty())
                     metrics.held.Increment();
                   else if (!d.short_products.empty())
                     metrics.refused.Increment();
                   it.promise.deliver(reserve_reply{d.held, d.short_products});
                 },
                 [&](const cmd::restock& c) {
                   it.promise.deliver(s.levels.at(c.product_id));
                 },
                 [&](const cmd::set_levels& c) {
                   it.promise.deliver(s.levels.at(c.product_id));
                 },
                 [&](const auto&) {
                   it.promise.deliver(true);
                 }, // release, commit
               },
               it.command);
  }

  void applied(const std::deque<item>& batch, const domain::inventory_shard_state& s) const {
    auto& metrics = *self->state.metrics;
    for (auto& it : batch)
      for (auto& e : it.decision.events) {
        if (auto i = metrics.changes.find(e.type); i != metrics.changes.end())
          i->second->Increment();
        if (e.type == stock_event_type::alert_raised) {
          metrics.alerts.Increment();
          log::info("inventory.low_stock")
            .kv("product_id", e.product_id)
            .kv("available", e.level.available());
        }
      }
    publish_units(self, s);
  }

  /// A write failed, or its outcome is unknown: the store's state is the truth, so the shard
  /// reloads it (holding its commands meanwhile); a shard that cannot reload stops.
  void recover(const caf::error& err) const {
    auto& st = self->state;
    st.metrics->write_failures.Increment();
    log::warn("inventory.write_failed")
      .kv("shard", st.shard)
      .kv("error", self->system().render(err));
    if (err == errc::fenced) { // the shard has a newer owner: this copy must not go on
      self->quit(err);
      return;
    }
    self->request(st.store, st.options.store_timeout, load_atom_v, st.shard, st.options.shards)
      .then(
        [s = self](const shard_snapshot& snap) {
          host_of(s).recovered(state_of(snap));
          publish_units(s, host_of(s).durable());
        },
        [s = self](caf::error&) {
          s->quit(caf::exit_reason::unhandled_exception);
        });
  }

  void hand_on(std::deque<item>& held, caf::response_promise& rp) const {
    auto to = caf::actor_cast<inventory_actor>(self->state.successor);
    for (auto& it : held)
      std::visit(
        domain::overloaded{
          [&](const cmd::reserve& c) {
            it.promise.delegate(to, reserve_atom_v, c.order_id, c.items);
          },
          [&](const cmd::release& c) {
            it.promise.delegate(to, release_atom_v, c.order_id);
          },
          [&](const cmd::commit& c) {
            it.promise.delegate(to, commit_atom_v, c.order_id);
          },
          [&](const cmd::restock& c) {
            it.promise.delegate(to, restock_atom_v, c.product_id, c.quantity);
          },
          [&](const cmd::set_levels& c) {
            it.promise.delegate(
              to, set_atom_v, c.product_id,
              level_change{c.on_hand ? caf::optional<int64_t>{*c.on_hand} : caf::none,
                           c.threshold ? caf::optional<int64_t>{*c.threshold} : caf::none});
          },
        },
        it.command);
    rp.deliver(true);
    self->quit();
  }
};

shard_host& host_of(self_ptr self) {
  return *self->state.host;
}

/// Reads answer from the durable state: what a store would give back.
caf::result<domain::stock_level> level_of(self_ptr self, int64_t product_id) {
  auto& levels = host_of(self).durable().levels;
  auto i = levels.find(product_id);
  if (i == levels.end())
    return caf::make_error(errc::not_found, std::string{"no such product"});
  return i->second;
}

std::vector<domain::stock_level> levels_of(self_ptr self, const std::vector<int64_t>& ids) {
  auto& levels = host_of(self).durable().levels;
  std::vector<domain::stock_level> found;
  for (auto id : ids)
    if (auto i = levels.find(id); i != levels.end())
      found.push_back(i->second);
  return found;
}

caf::result<product_stock> show(self_ptr self, const domain::product& p) {
  auto& levels = host_of(self).durable().levels;
  auto i = levels.find(p.id);
  if (i == levels.end())
    return caf::make_error(errc::not_found, std::string{"no such product"});
  return product_stock{p, i->second};
}

caf::result<product_stock> show(self_ptr self, int64_t id) {
  auto& products = host_of(self).durable().products;
  auto p = products.find(id);
  if (p == products.end())
    return caf::make_error(errc::not_found, std::string{"no such product"});
  return show(self, p->second);
}

cmd::set_levels set_command(int64_t product_id, const level_change& set) {
  cmd::set_levels c{product_id, {}, {}};
  if (set.on_hand)
    c.on_hand = *set.on_hand;
  if (set.low_stock_threshold)
    c.threshold = *set.low_stock_threshold;
  return c;
}

template <class Reply>
caf::delegated<Reply> submit(self_ptr self, domain::stock_command c) {
  host_of(self).submit(std::move(c), self->make_response_promise());
  return {};
}

/// Starts the entity from the snapshot its store loaded.
void activate(self_ptr self, const shard_snapshot& snapshot, uint64_t epoch) {
  auto& st = self->state;
  // Holds are forgotten on the host's tick, every minute when nothing else happens.
  entity::options host_options{st.options.store_timeout, minutes{1}, false,
                               st.options.writes_in_flight};
  st.host = std::make_unique<shard_host>(shard_port{{self}}, host_options, fence{st.shard, epoch});
  st.host->activate(state_of(snapshot));
  publish_units(self, host_of(self).durable());
}

shard_impl::behavior_type shard_actor(self_ptr self, uint32_t shard, shard_snapshot snapshot,
                                      inventory_store_actor store, inventory_options options,
                                      actor_registry* registry,
                                      std::shared_ptr<inventory_metrics> metrics, uint64_t epoch) {
  auto& st = self->state;
  st.shard = shard;
  st.options = std::move(options);
  st.store = std::move(store);
  st.metrics = std::move(metrics);
  track_sampled(self, *registry, "inventory", std::to_string(shard));
  activate(self, snapshot, epoch);
  return {
    [=](reserve_atom, std::string& order_id, std::vector<domain::line_item>& items) {
      return submit<reserve_reply>(self, cmd::reserve{std::move(order_id), std::move(items)});
    },
    [=](release_atom, std::string& order_id) {
      return submit<bool>(self, cmd::release{std::move(order_id)});
    },
    [=](commit_atom, std::string& order_id) {
      return submit<bool>(self, cmd::commit{std::move(order_id)});
    },
    [=](get_atom, int64_t product_id) {
      return level_of(self, product_id);
    },
    [=](get_atom, const std::vector<int64_t>& ids) {
      return levels_of(self, ids);
    },
    [=](restock_atom, int64_t product_id, int64_t quantity) {
      return submit<domain::stock_level>(self, cmd::restock{product_id, quantity});
    },
    [=](set_atom, int64_t product_id, const level_change& set) {
      return submit<domain::stock_level>(self, set_command(product_id, set));
    },
    [=](show_atom, int64_t id) {
      return show(self, id);
    },
    [=](show_atom, const domain::product& p) {
      return show(self, p);
    },
    [=](adopt_atom, const domain::product& p, const domain::stock_level& level) {
      // The catalog wrote the product and its stock row: durable already.
      host_of(self).amend([&](domain::inventory_shard_state& s) {
        domain::adopt(s, p, level);
      });
      return true;
    },
    entity::handoff_handler<caf::actor>(self),
    entity::tick_handler(self),
  };
}

} // namespace

inventory_actor spawn_inventory_shard(caf::actor_system& sys, uint32_t shard,
                                      shard_snapshot snapshot, inventory_store_actor store,
                                      inventory_options options, actor_registry& registry,
                                      prometheus::Registry& metrics, uint64_t epoch) {
  return caf::actor_cast<inventory_actor>(spawn_counted(
    sys, shard_actor, shard, std::move(snapshot), std::move(store), std::move(options), &registry,
    std::make_shared<inventory_metrics>(metrics), epoch));
}

} // namespace agora::actors
