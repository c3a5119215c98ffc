#include "persistence/inventory_store.hpp"

#include "persistence/database.hpp"
#include "persistence/errors.hpp"
#include "persistence/fencing.hpp"
#include "persistence/outbox.hpp"
#include "persistence/sql.hpp"
#include "persistence/write_back.hpp"
#include "runtime/base/actor_registry.hpp"
#include "runtime/base/random.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <pqxx/result>
#include <pqxx/transaction>

#include <algorithm>
#include <map>

namespace agora::persistence {

namespace {

using namespace agora::protocol;
using namespace agora::persistence::sql;

using store_impl =
  inventory_store_actor::extend<caf::reacts_to<written_atom, uint64_t, caf::error>>;

struct store_state {
  static inline const char* name = "store.inventory";
  write_back pending;
};

// Every shard write of a batch merges into these few statements, in rank order: what frees stock
// (releases, on_hand raised, commits) before what takes it (new holds, on_hand lowered), so the
// CHECK (reserved <= on_hand) holds after every statement whatever a batch holds; all changes are
// deltas, which commute. Deltas are summed per product first (an UPDATE ... FROM applies one
// joined row per target row); the CHECK refuses an oversell loudly, and the hold keys refuse a
// second reserve of the same order and shard.

/// Moves holds from HELD to `to` and applies `stock_set` (over the summed quantity q) to their
/// products: a hold that is not HELD changes nothing.
std::string finish_head(const char* to) {
  return std::string{"WITH h AS (UPDATE holds SET status = '"} + to
         + "', updated_at = now() WHERE (order_id, shard) IN (VALUES ";
}
std::string finish_tail(const char* stock_set) {
  return std::string{") AND status = 'HELD' RETURNING order_id, shard) UPDATE stock s SET "}
         + stock_set
         + ", updated_at = now() FROM (SELECT r.product_id AS p, sum(r.quantity) AS q FROM "
           "reservations r JOIN h ON r.order_id = h.order_id AND r.shard = h.shard GROUP BY "
           "r.product_id) AS v WHERE s.product_id = v.p";
}

/// Adds the summed q to a stock column per product.
std::string delta_head(const char* column) {
  return std::string{"UPDATE stock s SET "} + column + " = s." + column
         + " + v.q, updated_at = now() FROM (SELECT p, sum(q) AS q FROM (VALUES ";
}
const std::string delta_tail = ") AS x (p, q) GROUP BY p) AS v WHERE s.product_id = v.p";

const merge_spec release_holds{10, finish_head("RELEASED"),
                               finish_tail("reserved = s.reserved - v.q")};
const merge_spec on_hand_raise{11, delta_head("on_hand"), delta_tail};
const merge_spec commit_holds{
  12, finish_head("COMMITTED"),
  finish_tail("on_hand = s.on_hand - v.q, reserved = s.reserved - v.q")};
const merge_spec tombstone_insert{13, "INSERT INTO holds (order_id, shard, status) VALUES ",
                                  " ON CONFLICT DO NOTHING"};
const merge_spec hold_insert{14, "INSERT INTO holds (order_id, shard, status) VALUES ", ""};
const merge_spec reservation_insert{
  15, "INSERT INTO reservations (order_id, product_id, shard, quantity) VALUES ", ""};
const merge_spec reserve_delta{16, delta_head("reserved"), delta_tail};
const merge_spec on_hand_lower{17, delta_head("on_hand"), delta_tail};

/// A hold the write creates, with its status once the whole write has applied.
struct new_hold {
  domain::hold_status status = domain::hold_status::held;
  std::vector<domain::line_item> items;
};

/// What one write does, net: events of one order fold into one change of its hold.
struct net_change {
  std::vector<std::pair<std::string, domain::hold_status>> new_order; ///< new holds, in order
  std::map<std::string, new_hold> created;
  std::vector<std::pair<std::string, domain::stock_event_type>> finished; ///< existing holds
  std::vector<std::string> tombstones;
  std::map<int64_t, int64_t> on_hand; ///< product → delta
  std::string sql;                    ///< thresholds and alert flags, in event order

  void add(const domain::stock_event& e) {
    using domain::stock_event_type;
    switch (e.type) {
      case stock_event_type::held:
        created[e.order_id] = {domain::hold_status::held, e.items};
        new_order.emplace_back(e.order_id, domain::hold_status::held);
        break;
      case stock_event_type::released:
      case stock_event_type::committed: finish(e); break;
      case stock_event_type::restocked: on_hand[e.product_id] += e.quantity; break;
      case stock_event_type::levels_set:
        on_hand[e.product_id] += e.quantity - e.before;
        statement("low_stock_threshold = " + lit(e.threshold), e.product_id);
        break;
      case stock_event_type::alert_raised:
      case stock_event_type::alert_rearmed:
        statement(std::string{"low_alert_armed = "}
                    + (e.type == stock_event_type::alert_rearmed ? "true" : "false")
                    + ", low_alerts = " + lit(e.alerts),
                  e.product_id);
        break;
    }
  }

  void finish(const domain::stock_event& e) {
    auto to = e.type == domain::stock_event_type::committed ? domain::hold_status::committed
                                                            : domain::hold_status::released;
    if (auto i = created.find(e.order_id); i != created.end()) {
      i->second.status = to; // held and finished in one write: inserted finished
      if (to == domain::hold_status::committed)
        for (auto& item : i->second.items)
          on_hand[item.product_id] -= item.quantity;
    } else if (e.tombstone) {
      tombstones.push_back(e.order_id);
    } else {
      finished.emplace_back(e.order_id, e.type);
    }
  }

  void statement(const std::string& set, int64_t product_id) {
    sql += (sql.empty() ? "" : ";\n") + std::string{"UPDATE stock SET "} + set
           + " WHERE product_id = " + lit(product_id);
  }
};

/// A query that finds a row iff the write committed (for a COMMIT whose answer was lost); empty
/// when nothing it writes is distinguishable (the shard then reloads what the database has).
std::string verify_of(const net_change& net, const std::string& shard) {
  auto hold = [&](const std::string& order_id, std::string_view status) {
    return "SELECT 1 FROM holds WHERE order_id = " + lit(order_id) + " AND shard = " + shard
           + (status.empty() ? std::string{} : " AND status = " + lit(status));
  };
  if (!net.new_order.empty())
    return hold(net.new_order.front().first, {});
  if (!net.finished.empty())
    return hold(net.finished.front().first, domain::to_string(net.finished.front().second));
  return {};
}

} // namespace

write_job shard_job(const shard_append& a) {
  net_change net;
  for (auto& e : a.events)
    net.add(e);
  write_job job;
  // An order's step may wait for the linger; an admin's restock or new levels has a client
  // waiting on it, so it commits at once (and takes the queued jobs with it).
  job.can_wait = std::none_of(a.events.begin(), a.events.end(), [](const domain::stock_event& e) {
    return e.type == domain::stock_event_type::restocked
           || e.type == domain::stock_event_type::levels_set;
  });
  auto shard = lit(int64_t{a.token.shard});
  auto pair = [&](const std::string& order_id) {
    return "(" + lit(order_id) + ", " + shard + ")";
  };
  for (auto& [order_id, type] : net.finished)
    job.rows.push_back(
      {type == domain::stock_event_type::committed ? &commit_holds : &release_holds,
       pair(order_id)});
  for (auto& order_id : net.tombstones)
    job.rows.push_back({&tombstone_insert, "(" + lit(order_id) + ", " + shard + ", 'RELEASED')"});
  for (auto& [order_id, first] : net.new_order) {
    auto& h = net.created.at(order_id);
    job.rows.push_back(
      {&hold_insert, "(" + lit(order_id) + ", " + shard + ", " + lit(h.status) + ")"});
    for (auto& item : h.items) {
      job.rows.push_back(
        {&reservation_insert,
         "(" + list({lit(order_id), lit(item.product_id), shard, lit(int64_t{item.quantity})})
           + ")"});
      if (h.status == domain::hold_status::held)
        job.rows.push_back(
          {&reserve_delta, "(" + lit(item.product_id) + ", " + lit(int64_t{item.quantity}) + ")"});
    }
  }
  for (auto& [product_id, delta] : net.on_hand)
    if (delta != 0)
      job.rows.push_back({delta > 0 ? &on_hand_raise : &on_hand_lower,
                          "(" + lit(product_id) + ", " + lit(delta) + ")"});
  job.sql = std::move(net.sql);
  for (auto& n : a.alerts)
    job.rows.push_back(outbox_row(n, new_id("ntf")));
  job.verify = verify_of(net, shard);
  add_fence(job, protocol::inventory_kind, a.token);
  return job;
}

namespace {

shard_snapshot load(connection_pool& pool, uint32_t shard, uint32_t shards) {
  auto conn = pool.acquire();
  try {
    pqxx::read_transaction tx{*conn};
    shard_snapshot snap;
    auto mine = " WHERE p.id % " + std::to_string(shards) + " = " + std::to_string(shard);
    for (auto row : tx.exec("SELECT p.id, p.sku, p.name, p.description, p.price_cents, p.currency, "
                            "s.on_hand, s.reserved, s.low_stock_threshold, s.low_alert_armed, "
                            "s.low_alerts FROM products p JOIN stock s ON s.product_id = p.id"
                            + mine + " ORDER BY p.id")) {
      domain::product p{row[0].as<int64_t>(),     row[1].as<std::string>(),
                        row[2].as<std::string>(), row[3].as<std::string>(),
                        row[4].as<int64_t>(),     row[5].as<std::string>()};
      snap.products.push_back(p);
      snap.levels.push_back({p.id, row[6].as<int64_t>(), row[7].as<int64_t>(), row[8].as<int64_t>(),
                             row[9].as<bool>()});
      snap.alert_counts.push_back(row[10].as<int64_t>());
    }
    // Live holds, and recent tombstones so a late reserve after a release is still refused.
    std::map<std::string, shard_hold> holds;
    for (auto row : tx.exec_params(
           "SELECT h.order_id, h.status, r.product_id, r.quantity FROM holds h LEFT JOIN "
           "reservations r ON r.order_id = h.order_id AND r.shard = h.shard WHERE h.shard = $1 AND "
           "(h.status = 'HELD' OR h.updated_at > now() - interval '1 hour')",
           static_cast<int64_t>(shard))) {
      auto& h = holds[row[0].as<std::string>()];
      h.order_id = row[0].as<std::string>();
      h.status = enum_of<domain::hold_status>(row[1].as<std::string>());
      if (!row[2].is_null())
        h.items.push_back({row[2].as<int64_t>(), row[3].as<int32_t>(), 0});
    }
    for (auto& [id, h] : holds)
      snap.holds.push_back(std::move(h));
    return snap;
  } catch (...) {
    conn.discard();
    throw;
  }
}

/// Loads shard snapshots: blocking reads, so on a thread of its own.
using loader_actor =
  caf::typed_actor<caf::replies_to<load_atom, uint32_t, uint32_t>::with<shard_snapshot>>;

loader_actor::behavior_type loader(loader_actor::pointer self, connection_pool* pool,
                                   actor_registry* registry) {
  track_sampled(self, *registry, "store.inventory.loader");
  return {
    [=](load_atom, uint32_t shard, uint32_t shards) -> caf::result<shard_snapshot> {
      try {
        return load(*pool, shard, shards);
      } catch (...) {
        return translate_current_exception();
      }
    },
  };
}

/// The store the shards talk to. Stock changes only queue a group-commit job and wait for its
/// written_atom, so this actor runs on the cooperative scheduler (a detached one cost a thread
/// wake-up for each of the ~7 messages per order); loads go to the loader.
store_impl::behavior_type store(store_impl::stateful_pointer<store_state> self, loader_actor loads,
                                writer* w, actor_registry* registry) {
  track_sampled(self, *registry, "store.inventory");
  stop_with(self, loads);
  return {
    [=](load_atom, uint32_t shard, uint32_t shards) {
      return self->delegate(loads, load_atom_v, shard, shards);
    },
    [=](commit_atom, const shard_append& a) -> caf::result<bool> {
      try {
        auto job = shard_job(a);
        auto verify = job.verify;
        return self->state.pending.submit(self, *w, std::move(job), std::move(verify));
      } catch (...) {
        return translate_current_exception();
      }
    },
    [=](written_atom, uint64_t token, const caf::error& err) {
      self->state.pending.done(token, err);
    },
  };
}

} // namespace

inventory_store_actor spawn_inventory_store(caf::actor_system& sys, connection_pool& pool,
                                            writer& w, actor_registry& registry) {
  auto loads = spawn_counted<caf::detached>(sys, loader, &pool, &registry);
  return caf::actor_cast<inventory_store_actor>(spawn_counted(sys, store, loads, &w, &registry));
}

} // namespace agora::persistence
