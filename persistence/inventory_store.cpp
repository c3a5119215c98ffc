#include "persistence/inventory_store.hpp"

#include "persistence/database.hpp"
#include "persistence/errors.hpp"
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

// Every shard change of a batch merges into these few statements. Deltas are summed per product
// first (an UPDATE ... FROM applies one joined row per target row); the CHECK on stock refuses
// an oversell loudly, and the hold keys refuse a second reserve of the same order and shard.
const merge_spec hold_insert{10, "INSERT INTO holds (order_id, shard, status) VALUES ", ""};
const merge_spec reservation_insert{
  11, "INSERT INTO reservations (order_id, product_id, shard, quantity) VALUES ", ""};
const merge_spec reserve_delta{
  12,
  "UPDATE stock s SET reserved = s.reserved + v.q, updated_at = now() FROM (SELECT p, sum(q) AS q "
  "FROM (VALUES ",
  ") AS x (p, q) GROUP BY p) AS v WHERE s.product_id = v.p"};
const merge_spec tombstone_insert{13, "INSERT INTO holds (order_id, shard, status) VALUES ",
                                  " ON CONFLICT DO NOTHING"};

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
const merge_spec release_holds{14, finish_head("RELEASED"),
                               finish_tail("reserved = s.reserved - v.q")};
const merge_spec commit_holds{
  15, finish_head("COMMITTED"),
  finish_tail("on_hand = s.on_hand - v.q, reserved = s.reserved - v.q")};

} // namespace

write_job stock_change_job(const stock_change& c) {
  write_job job;
  auto key = "(" + lit(c.order_id) + ", " + lit(int64_t{c.shard}) + ")";
  switch (c.kind) {
    case change_kind::reserve:
      job.rows.push_back(
        {&hold_insert, "(" + lit(c.order_id) + ", " + lit(int64_t{c.shard}) + ", 'HELD')"});
      for (auto& item : c.items) {
        job.rows.push_back(
          {&reservation_insert, "("
                                  + list({lit(c.order_id), lit(item.product_id),
                                          lit(int64_t{c.shard}), lit(int64_t{item.quantity})})
                                  + ")"});
        job.rows.push_back(
          {&reserve_delta, "(" + lit(item.product_id) + ", " + lit(int64_t{item.quantity}) + ")"});
      }
      break;
    case change_kind::release:
      if (c.tombstone)
        job.rows.push_back({&tombstone_insert, "(" + lit(c.order_id) + ", " + lit(int64_t{c.shard})
                                                 + ", 'RELEASED')"});
      else
        job.rows.push_back({&release_holds, key});
      break;
    case change_kind::commit: job.rows.push_back({&commit_holds, key}); break;
    case change_kind::restock:
      job.sql = "UPDATE stock SET on_hand = on_hand + " + lit(int64_t{c.level.on_hand})
                + ", updated_at = now() WHERE product_id = " + lit(c.level.product_id);
      break;
    case change_kind::set_levels:
      job.sql = "UPDATE stock SET on_hand = " + lit(int64_t{c.level.on_hand})
                + ", low_stock_threshold = " + lit(int64_t{c.level.low_stock_threshold})
                + ", updated_at = now() WHERE product_id = " + lit(c.level.product_id);
      break;
  }
  for (auto& f : c.flags)
    job.sql += (job.sql.empty() ? "" : ";\n") + std::string{"UPDATE stock SET low_alert_armed = "}
               + (f.armed ? "true" : "false") + ", low_alerts = " + lit(f.alerts)
               + " WHERE product_id = " + lit(f.product_id);
  for (auto& n : c.alerts)
    job.rows.push_back(outbox_row(n, new_id("ntf")));
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
      snap.levels.push_back({p.id, row[6].as<int32_t>(), row[7].as<int32_t>(), row[8].as<int32_t>(),
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
    [=](commit_atom, const stock_change& change) -> caf::result<bool> {
      std::string verify;
      if (change.kind == change_kind::reserve || change.kind == change_kind::release
          || change.kind == change_kind::commit) {
        auto status = change.kind == change_kind::reserve   ? "HELD"
                      : change.kind == change_kind::release ? "RELEASED"
                                                            : "COMMITTED";
        verify = "SELECT 1 FROM holds WHERE order_id = " + lit(change.order_id)
                 + " AND shard = " + lit(int64_t{change.shard}) + " AND status = '" + status + "'";
      }
      try {
        return self->state.pending.submit(self, *w, stock_change_job(change), std::move(verify));
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
