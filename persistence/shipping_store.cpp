#include "persistence/shipping_store.hpp"

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

// The carrier's next scan of a moving shipment.
const std::string next_status = "CASE status WHEN 'LABEL_CREATED' THEN 'IN_TRANSIT' WHEN "
                                "'IN_TRANSIT' THEN 'OUT_FOR_DELIVERY' ELSE 'DELIVERED' END";
const std::string moving = "status IN ('LABEL_CREATED', 'IN_TRANSIT', 'OUT_FOR_DELIVERY')";

shipment to_shipment(const pqxx::row& r) {
  return {r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(),
          r[3].as<std::string>(), r[4].as<std::string>()};
}

caf::result<shipment> by_order(pqxx::work& tx, const std::string& order_id) {
  auto rows = tx.exec_params("SELECT " + columns + " FROM shipments WHERE order_id = $1", order_id);
  if (rows.empty())
    return caf::make_error(errc::not_found, std::string{"no shipment for this order"});
  return to_shipment(rows[0]);
}

void record(pqxx::work& tx, const shipment& s) {
  tx.exec_params("INSERT INTO shipment_events (shipment_id, status) VALUES ($1, $2) ON CONFLICT "
                 "DO NOTHING",
                 s.id, s.status);
}

caf::result<shipment> cancel(pqxx::work& tx, const std::string& order_id) {
  auto rows = tx.exec_params("UPDATE shipments SET status = 'CANCELLED', updated_at = now() WHERE "
                             "order_id = $1 AND status = 'LABEL_CREATED' RETURNING "
                               + columns,
                             order_id);
  if (!rows.empty()) {
    auto s = to_shipment(rows[0]);
    record(tx, s);
    return s;
  }
  auto found =
    tx.exec_params("SELECT " + columns + " FROM shipments WHERE order_id = $1", order_id);
  if (found.empty())
    return caf::make_error(errc::not_found, std::string{"no shipment for this order"});
  auto s = to_shipment(found[0]);
  if (s.status == "CANCELLED")
    return s;
  return caf::make_error(errc::conflict, "the shipment is " + s.status);
}

caf::result<shipment> advance(pqxx::work& tx, const std::string& id) {
  auto rows =
    tx.exec_params("UPDATE shipments SET status = " + next_status
                     + ", updated_at = now() WHERE id = $1 AND " + moving + " RETURNING " + columns,
                   id);
  if (rows.empty()) {
    auto found = tx.exec_params("SELECT status FROM shipments WHERE id = $1", id);
    if (found.empty())
      return caf::make_error(errc::not_found, std::string{"no such shipment"});
    return caf::make_error(errc::conflict, "the shipment is " + found[0][0].as<std::string>());
  }
  auto s = to_shipment(rows[0]);
  record(tx, s);
  return s;
}

/// Moves every shipment unchanged for `older_ms` one step on, recording each move, in one
/// statement. SKIP LOCKED lets several nodes run the carrier without moving a shipment twice.
std::vector<shipment> step(pqxx::work& tx, int64_t older_ms) {
  std::vector<shipment> out;
  for (auto row : tx.exec_params(
         "WITH moved AS (UPDATE shipments SET status = " + next_status
           + ", updated_at = now() WHERE id IN (SELECT id FROM shipments WHERE " + moving
           + " AND updated_at <= now() - make_interval(secs => $1 / 1000.0) ORDER BY updated_at "
             "LIMIT 500 FOR UPDATE SKIP LOCKED) RETURNING "
           + columns
           + "), recorded AS (INSERT INTO shipment_events (shipment_id, status) SELECT id, status "
             "FROM moved ON CONFLICT DO NOTHING) SELECT "
           + columns + " FROM moved",
         older_ms))
    out.push_back(to_shipment(row));
  return out;
}

shipping_store_actor::behavior_type worker(shipping_store_actor::pointer self,
                                           connection_pool* pool, actor_registry* registry) {
  track_sampled(self, *registry, "store.shipping");
  return {
    [=](create_atom, const shipment& s) {
      return transact<shipment>(*pool, [&](pqxx::work& tx) {
        auto made = tx.exec_params("INSERT INTO shipments (id, order_id, status, tracking_number, "
                                   "carrier) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (order_id) DO "
                                   "NOTHING",
                                   s.id, s.order_id, s.status, s.tracking_number, s.carrier);
        if (made.affected_rows() == 1)
          record(tx, s);
        return by_order(tx, s.order_id); // the order's first shipment wins
      });
    },
    [=](cancel_atom, const std::string& order_id) {
      return transact<shipment>(*pool, [&](pqxx::work& tx) {
        return cancel(tx, order_id);
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
    [=](step_atom, int64_t older_ms) {
      return transact<std::vector<shipment>>(*pool, [&](pqxx::work& tx) {
        return step(tx, older_ms);
      });
    },
  };
}

const merge_spec shipment_insert{
  71, "INSERT INTO shipments (id, order_id, status, tracking_number, carrier) VALUES ", ""};
const merge_spec shipment_event_insert{
  72, "INSERT INTO shipment_events (shipment_id, status) VALUES ", " ON CONFLICT DO NOTHING"};

using front_impl = shipping_store_actor::extend<caf::reacts_to<written_atom, uint64_t, caf::error>>;

struct front_state {
  static inline const char* name = "store.shipping";
  write_back_value<shipment> pending;
};

/// New shipments take the group commit (a plain insert: a second shipment of an order fails the
/// job); the rest, and a create that cannot be answered from its own insert, go to the workers.
front_impl::behavior_type front(front_impl::stateful_pointer<front_state> self,
                                shipping_store_actor slow, writer* w, actor_registry* registry) {
  track_sampled(self, *registry, "store.shipping.front");
  stop_with(self, slow);
  return {
    [=](create_atom, const shipment& s) {
      using namespace sql;
      write_job job;
      job.rows.push_back({&shipment_insert, "("
                                              + list({lit(s.id), lit(s.order_id), lit(s.status),
                                                      lit(s.tracking_number), lit(s.carrier)})
                                              + ")"});
      job.rows.push_back({&shipment_event_insert, "(" + list({lit(s.id), lit(s.status)}) + ")"});
      job.verify = "SELECT 1 FROM shipments WHERE id = " + lit(s.id);
      return self->state.pending.submit(self, *w, std::move(job), s);
    },
    [=](written_atom, uint64_t token, const caf::error& err) {
      self->state.pending.done(self, token, err, slow, create_atom_v);
    },
    [=](cancel_atom, const std::string& order_id) {
      return self->delegate(slow, cancel_atom_v, order_id);
    },
    [=](get_atom, const std::string& order_id) {
      return self->delegate(slow, get_atom_v, order_id);
    },
    [=](advance_atom, const std::string& id) {
      return self->delegate(slow, advance_atom_v, id);
    },
    [=](step_atom, int64_t older_ms) {
      return self->delegate(slow, step_atom_v, older_ms);
    },
  };
}

} // namespace

shipping_store_actor spawn_shipping_store(caf::actor_system& sys, connection_pool& pool, writer& w,
                                          size_t workers, actor_registry& registry) {
  auto slow = spawn_pooled<shipping_store_actor>(sys, workers, [&] {
    return spawn_counted<caf::detached>(sys, worker, &pool, &registry);
  });
  return caf::actor_cast<shipping_store_actor>(spawn_counted(sys, front, slow, &w, &registry));
}

} // namespace agora::persistence
