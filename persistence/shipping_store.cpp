#include "persistence/shipping_store.hpp"

#include "actors/domain/hash.hpp"
#include "persistence/sql.hpp"
#include "persistence/transact.hpp"
#include "persistence/write_back.hpp"
#include "runtime/base/actor_registry.hpp"

#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

namespace agora::persistence {

namespace {

using namespace agora::protocol;

const std::string columns = "id, order_id, status, tracking_number, carrier";

// One scan of a moving shipment: its next status, and the time of the status it reaches in the
// shipment's own timeline columns. Only ended_at is indexed (in the open shipments' predicate), so
// a move that does not end the shipment is a heap-only update.
const std::string scan_on =
  "status = CASE status WHEN 'LABEL_CREATED' THEN 'IN_TRANSIT' WHEN 'IN_TRANSIT' THEN "
  "'OUT_FOR_DELIVERY' ELSE 'DELIVERED' END, updated_at = now(), "
  "in_transit_at = CASE status WHEN 'LABEL_CREATED' THEN now() ELSE in_transit_at END, "
  "out_for_delivery_at = CASE status WHEN 'IN_TRANSIT' THEN now() ELSE out_for_delivery_at END, "
  "ended_at = CASE status WHEN 'OUT_FOR_DELIVERY' THEN now() ELSE ended_at END";
const std::string moving = "ended_at IS NULL";
constexpr int64_t carrier_lock = 0x61676f7261; // "agora": the carrier's advisory lock key

shipment to_shipment(const pqxx::row& r) {
  return {r[0].as<std::string>(), r[1].as<std::string>(),
          sql::enum_of<domain::shipment_status>(r[2].as<std::string>()), r[3].as<std::string>(),
          r[4].as<std::string>()};
}

caf::result<shipment> by_order(pqxx::work& tx, const std::string& order_id) {
  auto rows = tx.exec_params("SELECT " + columns + " FROM shipments WHERE order_id = $1", order_id);
  if (rows.empty())
    return caf::make_error(errc::not_found, std::string{"no shipment for this order"});
  return to_shipment(rows[0]);
}

caf::result<shipment> cancel(pqxx::work& tx, const shipment& stand_in) {
  auto& order_id = stand_in.order_id;
  // An order cancelled before its shipment exists leaves a CANCELLED one, so that a late create
  // (ON CONFLICT (order_id)) finds it instead of shipping the goods of a cancelled order.
  tx.exec_params("INSERT INTO shipments (id, order_id, status, tracking_number, carrier, ended_at) "
                 "VALUES ($1, $2, 'CANCELLED', $3, $4, now()) ON CONFLICT (order_id) DO NOTHING",
                 stand_in.id, order_id, stand_in.tracking_number, stand_in.carrier);
  auto rows = tx.exec_params(
    "UPDATE shipments SET status = 'CANCELLED', updated_at = now(), ended_at = now() WHERE "
    "order_id = $1 AND status = 'LABEL_CREATED' RETURNING "
      + columns,
    order_id);
  if (!rows.empty())
    return to_shipment(rows[0]);
  auto found =
    tx.exec_params("SELECT " + columns + " FROM shipments WHERE order_id = $1", order_id);
  if (found.empty())
    return caf::make_error(errc::not_found, std::string{"no shipment for this order"});
  auto s = to_shipment(found[0]);
  if (s.status == domain::shipment_status::cancelled)
    return s;
  return caf::make_error(errc::conflict,
                         "the shipment is " + std::string{domain::to_string(s.status)});
}

caf::result<shipment> advance(pqxx::work& tx, const std::string& id) {
  auto rows = tx.exec_params("UPDATE shipments SET " + scan_on + " WHERE id = $1 AND " + moving
                               + " RETURNING " + columns,
                             id);
  if (rows.empty()) {
    auto found = tx.exec_params("SELECT status FROM shipments WHERE id = $1", id);
    if (found.empty())
      return caf::make_error(errc::not_found, std::string{"no such shipment"});
    return caf::make_error(errc::conflict, "the shipment is " + found[0][0].as<std::string>());
  }
  return to_shipment(rows[0]);
}

/// Moves the oldest open shipments unchanged for `older_ms` one step on, in one statement: of the
/// orders in the shards `owned` lists (a PostgreSQL int array, "{3,17}"; rows without a shard too),
/// or, `owned` empty, every one. No row
/// locks: when carriers on two nodes pick the same shipment, the second update waits for the
/// first and re-checks its condition on the moved row (READ COMMITTED), which no longer holds, so
/// no shipment moves twice, and no move writes a lock before its update. The chosen ids are an
/// array, so the update finds them by primary key whatever the planner thinks of the table's
/// size (an IN subquery became a hash join over a scan of every shipment with stale statistics).
std::vector<shipment> step(pqxx::work& tx, int64_t older_ms, const std::string& owned) {
  // Carriers that move every shipment take turns: one whose step finds another's under way (a
  // transaction-scoped advisory lock) skips it. Several carriers updating the same rows only
  // waited on each other's row locks to find the rows moved already: measured with three nodes,
  // a third of the database's busy samples were carriers waiting on one another. Carriers of
  // disjoint shards need no turns.
  if (owned.empty()
      && !tx.exec1("SELECT pg_try_advisory_xact_lock(" + std::to_string(carrier_lock) + ")")[0]
            .as<bool>())
    return {};
  // updated_at is never before created_at, so the newest step's worth of shipments is not even
  // scanned: the walk of the open shipments' index stops there.
  const std::string due =
    moving
    + " AND created_at <= now() - make_interval(secs => $1 / 1000.0) AND "
      "updated_at <= now() - make_interval(secs => $1 / 1000.0)"
    + (owned.empty() ? "" : " AND (order_shard = ANY ($2::int[]) OR order_shard IS NULL)");
  auto update = "UPDATE shipments SET " + scan_on
                + " WHERE id = ANY (ARRAY(SELECT id FROM shipments WHERE " + due
                + " ORDER BY created_at LIMIT " + std::to_string(carrier_step_limit) + ")) AND "
                + due + " RETURNING " + columns;
  auto rows =
    owned.empty() ? tx.exec_params(update, older_ms) : tx.exec_params(update, older_ms, owned);
  std::vector<shipment> out;
  for (auto row : rows)
    out.push_back(to_shipment(row));
  return out;
}

shipping_store_actor::behavior_type worker(shipping_store_actor::pointer self,
                                           connection_pool* pool, actor_registry* registry,
                                           uint32_t order_shards) {
  track_sampled(self, *registry, "store.shipping");
  return {
    [=](create_atom, const shipment& s) {
      return transact<shipment>(*pool, [&](pqxx::work& tx) {
        tx.exec_params("INSERT INTO shipments (id, order_id, status, tracking_number, "
                       "carrier, order_shard) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT "
                       "(order_id) DO NOTHING",
                       s.id, s.order_id, std::string{domain::to_string(s.status)},
                       s.tracking_number, s.carrier,
                       static_cast<int64_t>(domain::shard_of(s.order_id, order_shards)));
        return by_order(tx, s.order_id); // the order's first shipment wins
      });
    },
    [=](cancel_atom, const shipment& stand_in) {
      return transact<shipment>(*pool, [&](pqxx::work& tx) {
        return cancel(tx, stand_in);
      });
    },
    [=](get_atom, const std::string& order_id) {
      return transact<shipment>(*pool, [&](pqxx::work& tx) {
        return by_order(tx, order_id);
      });
    },
    [=](advance_atom, const std::string& id) {
      return transact<shipment>(*pool, [&](pqxx::work& tx) {
        return advance(tx, id);
      });
    },
    [=](step_atom, int64_t older_ms, const std::string& owned) {
      return transact<std::vector<shipment>>(*pool, [&](pqxx::work& tx) {
        return step(tx, older_ms, owned);
      });
    },
  };
}

// A resumed order's create may meet the row its first owner stored: skipped, not failed.
const merge_spec shipment_insert{
  71,
  "INSERT INTO shipments (id, order_id, status, tracking_number, carrier, order_shard) VALUES ",
  " ON CONFLICT DO NOTHING",
  false,
  "shipments",
  "id"};

using front_impl = shipping_store_actor::extend<caf::reacts_to<written_atom, uint64_t, caf::error>>;

struct front_state {
  static inline const char* name = "store.shipping";
  write_back_value<shipment> pending;
  /// A worker's answer takes a free connection and a statement at most.
  std::chrono::milliseconds fallback_timeout{60000};
};

/// New shipments take the group commit (a second shipment of an order is skipped and fails only
/// its job); the rest, and a create that cannot be answered from its own insert, go to the
/// workers.
front_impl::behavior_type front(front_impl::stateful_pointer<front_state> self,
                                shipping_store_actor slow, writer* w, actor_registry* registry,
                                std::chrono::milliseconds fallback_timeout, uint32_t order_shards) {
  self->state.fallback_timeout = fallback_timeout;
  track_sampled(self, *registry, "store.shipping.front");
  stop_with(self, slow);
  return {
    [=](create_atom, const shipment& s) {
      using namespace sql;
      write_job job;
      job.can_wait = true; // an order's step, never a client's wait
      job.rows.push_back(
        {&shipment_insert,
         "("
           + list({lit(s.id), lit(s.order_id), lit(s.status), lit(s.tracking_number),
                   lit(s.carrier), std::to_string(domain::shard_of(s.order_id, order_shards))})
           + ")",
         lit(s.id)});
      job.verify = "SELECT 1 FROM shipments WHERE id = " + lit(s.id);
      return self->state.pending.submit(self, *w, std::move(job), s);
    },
    [=](written_atom, uint64_t token, const caf::error& err) {
      self->state.pending.done(self, token, err, self->state.fallback_timeout, slow, create_atom_v);
    },
    [=](cancel_atom, const shipment& stand_in) {
      return self->delegate(slow, cancel_atom_v, stand_in);
    },
    [=](get_atom, const std::string& order_id) {
      return self->delegate(slow, get_atom_v, order_id);
    },
    [=](advance_atom, const std::string& id) {
      return self->delegate(slow, advance_atom_v, id);
    },
    [=](step_atom, int64_t older_ms, const std::string& owned) {
      return self->delegate(slow, step_atom_v, older_ms, owned);
    },
  };
}

} // namespace

shipping_store_actor spawn_shipping_store(caf::actor_system& sys, connection_pool& pool, writer& w,
                                          size_t workers, actor_registry& registry,
                                          uint32_t order_shards) {
  auto slow = spawn_pooled<shipping_store_actor>(sys, workers, [&] {
    return spawn_counted<caf::detached>(sys, worker, &pool, &registry, order_shards);
  });
  return caf::actor_cast<shipping_store_actor>(
    spawn_counted(sys, front, slow, &w, &registry,
                  pool.options().acquire_timeout + pool.options().statement_timeout, order_shards));
}

} // namespace agora::persistence
