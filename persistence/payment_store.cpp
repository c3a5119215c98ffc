#include "persistence/payment_store.hpp"

#include "persistence/sql.hpp"
#include "persistence/transact.hpp"
#include "persistence/write_back.hpp"
#include "persistence/writer.hpp"
#include "runtime/base/actor_registry.hpp"

#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

namespace agora::persistence {

namespace {

using namespace agora::protocol;

const std::string columns = "id, order_id, status, amount_cents, currency, refunded_cents, "
                            "coalesce(decline_reason, ''), card_last4";

payment to_payment(const pqxx::row& r) {
  return {r[0].as<std::string>(),
          r[1].as<std::string>(),
          sql::enum_of<domain::payment_status>(r[2].as<std::string>()),
          r[3].as<int64_t>(),
          r[4].as<std::string>(),
          r[5].as<int64_t>(),
          r[6].as<std::string>(),
          r[7].as<std::string>()};
}

payment by_order(pqxx::work& tx, const std::string& order_id) {
  return to_payment(
    tx.exec_params1("SELECT " + columns + " FROM payments WHERE order_id = $1", order_id));
}

caf::result<payment> refund(pqxx::work& tx, const std::string& id, int64_t cents,
                            const std::string& key, const std::string& refund_id) {
  auto rows = tx.exec_params("SELECT " + columns + " FROM payments WHERE id = $1 FOR UPDATE", id);
  if (rows.empty())
    return caf::make_error(errc::not_found, std::string{"no such payment"});
  auto p = to_payment(rows[0]);
  if (!tx.exec_params("SELECT 1 FROM refunds WHERE dedupe_key = $1", key).empty())
    return p; // this refund happened before
  auto left = p.amount_cents - p.refunded_cents;
  using domain::payment_status;
  if ((p.status != payment_status::captured && p.status != payment_status::partially_refunded)
      || left <= 0)
    return caf::make_error(errc::conflict, std::string{"nothing left to refund"});
  auto amount = cents == 0 ? left : cents;
  if (amount > left)
    return caf::make_error(errc::conflict,
                           "only " + std::to_string(left) + " cents are left to refund");
  tx.exec_params("INSERT INTO refunds (id, payment_id, amount_cents, reason, dedupe_key) VALUES "
                 "($1, $2, $3, $4, $5)",
                 refund_id, id, amount, key.rfind("order:", 0) == 0 ? "order cancelled" : "admin",
                 key);
  return to_payment(tx.exec_params1(
    "UPDATE payments SET refunded_cents = refunded_cents + $2, status = CASE WHEN "
    "refunded_cents + $2 = amount_cents THEN 'REFUNDED' ELSE 'PARTIALLY_REFUNDED' END, "
    "updated_at = now() WHERE id = $1 RETURNING "
      + columns,
    id, amount));
}

payment_store_actor::behavior_type worker(payment_store_actor::pointer self, connection_pool* pool,
                                          actor_registry* registry) {
  track_sampled(self, *registry, "store.payments");
  return {
    [=](charge_atom, const payment& p) {
      return transact<payment>(*pool, [&](pqxx::work& tx) {
        tx.exec_params("INSERT INTO payments (id, order_id, status, amount_cents, currency, "
                       "card_last4, decline_reason) VALUES ($1, $2, $3, $4, $5, $6, "
                       "nullif($7, '')) ON CONFLICT (order_id) DO NOTHING",
                       p.id, p.order_id, std::string{domain::to_string(p.status)}, p.amount_cents,
                       p.currency, p.card_last4, p.decline_reason);
        return by_order(tx, p.order_id); // the first payment of the order wins
      });
    },
    [=](void_atom, const std::string& order_id, const std::string& id) {
      return transact<payment>(*pool, [&](pqxx::work& tx) {
        tx.exec_params("INSERT INTO payments (id, order_id, status, amount_cents, currency) VALUES "
                       "($1, $2, 'VOIDED', 0, 'USD') ON CONFLICT (order_id) DO NOTHING",
                       id, order_id);
        return by_order(tx, order_id);
      });
    },
    [=](refund_atom, const std::string& id, int64_t cents, const std::string& key,
        const std::string& refund_id) {
      return transact<payment>(*pool, [&](pqxx::work& tx) {
        return refund(tx, id, cents, key, refund_id);
      });
    },
  };
}

// A resumed order's charge may meet the row its first owner stored: skipped, not failed.
const merge_spec payment_insert{
  70,
  "INSERT INTO payments (id, order_id, status, amount_cents, currency, card_last4, "
  "decline_reason) VALUES ",
  " ON CONFLICT DO NOTHING",
  false,
  "payments",
  "id"};

using front_impl = payment_store_actor::extend<caf::reacts_to<written_atom, uint64_t, caf::error>>;

struct front_state {
  static inline const char* name = "store.payments";
  write_back_value<payment> pending;
  /// A worker's answer takes a free connection and a statement at most.
  std::chrono::milliseconds fallback_timeout{60000};
};

/// Charges take the group commit; everything else, and every charge that cannot be answered from
/// its own insert, goes to the detached workers.
front_impl::behavior_type front(front_impl::stateful_pointer<front_state> self,
                                payment_store_actor slow, writer* w, actor_registry* registry,
                                std::chrono::milliseconds fallback_timeout) {
  self->state.fallback_timeout = fallback_timeout;
  track_sampled(self, *registry, "store.payments.front");
  stop_with(self, slow);
  return {
    [=](charge_atom, const payment& p) {
      using namespace sql;
      write_job job;
      job.can_wait = true; // an order's step, never a client's wait
      job.rows.push_back(
        {&payment_insert,
         "("
           + list({lit(p.id), lit(p.order_id), lit(p.status), lit(p.amount_cents), lit(p.currency),
                   lit(p.card_last4), lit_or_null(p.decline_reason)})
           + ")",
         lit(p.id)});
      job.verify = "SELECT 1 FROM payments WHERE id = " + lit(p.id);
      return self->state.pending.submit(self, *w, std::move(job), p);
    },
    [=](written_atom, uint64_t token, const caf::error& err) {
      // The order has a payment or a void already, or the commit is in doubt: the stored row
      // answers (the workers' insert does nothing when one exists).
      self->state.pending.done(self, token, err, self->state.fallback_timeout, slow, charge_atom_v);
    },
    [=](void_atom, const std::string& order_id, const std::string& id) {
      return self->delegate(slow, void_atom_v, order_id, id);
    },
    [=](refund_atom, const std::string& id, int64_t cents, const std::string& key,
        const std::string& refund_id) {
      return self->delegate(slow, refund_atom_v, id, cents, key, refund_id);
    },
  };
}

} // namespace

payment_store_actor spawn_payment_store(caf::actor_system& sys, connection_pool& pool, writer& w,
                                        size_t workers, actor_registry& registry) {
  auto slow = spawn_pooled<payment_store_actor>(sys, workers, [&] {
    return spawn_counted<caf::detached>(sys, worker, &pool, &registry);
  });
  return caf::actor_cast<payment_store_actor>(
    spawn_counted(sys, front, slow, &w, &registry,
                  pool.options().acquire_timeout + pool.options().statement_timeout));
}

} // namespace agora::persistence
