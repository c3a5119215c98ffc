#include "persistence/outbox_store.hpp"

#include "persistence/transact.hpp"
#include "runtime/base/actor_registry.hpp"

#include <caf/typed_event_based_actor.hpp>

namespace agora::persistence {

namespace {

using namespace agora::protocol;

/// Due rows nobody holds, oldest due first, in one statement (one snapshot): each is claimed (the
/// lease pushes next_attempt_at forward and the attempt is counted) or, when it is a first attempt
/// of customer mail whose recipient already had $3 mails attempted in the last hour (counting
/// those ahead of it in this claim), SUPPRESSED. Stock alerts to operations are never capped; $3
/// = 0 caps nothing. The last column says which.
const std::string claim_sql =
  "WITH locked AS (SELECT id, recipient, type, attempts, next_attempt_at FROM notifications "
  "WHERE status = 'QUEUED' AND next_attempt_at <= now() ORDER BY next_attempt_at LIMIT $1 FOR "
  "UPDATE SKIP LOCKED), capped AS (SELECT l.id, (l.attempts = 0 AND l.type <> "
  "'LOW_INVENTORY_ALERT' AND $3::int > 0 AND row_number() OVER (PARTITION BY lower(l.recipient), "
  "l.attempts = 0 AND l.type <> 'LOW_INVENTORY_ALERT' ORDER BY l.next_attempt_at, l.id) + "
  "(SELECT count(*) FROM notifications m WHERE lower(m.recipient) = lower(l.recipient) AND "
  "m.last_attempt_at > now() - interval '1 hour') > $3::int) AS over FROM locked l) "
  "UPDATE notifications n SET "
  "status = CASE WHEN c.over THEN 'SUPPRESSED' ELSE n.status END, "
  "last_error = CASE WHEN c.over THEN 'over the cap of ' || $3::int || ' mails an hour to this "
  "address' ELSE n.last_error END, "
  "attempts = CASE WHEN c.over THEN n.attempts ELSE n.attempts + 1 END, "
  "last_attempt_at = CASE WHEN c.over THEN n.last_attempt_at ELSE now() END, "
  "next_attempt_at = CASE WHEN c.over THEN n.next_attempt_at ELSE now() + make_interval(secs => "
  "$2 / 1000.0) END FROM capped c WHERE n.id = c.id RETURNING n.id, n.type, "
  "coalesce(n.order_id, ''), coalesce(n.product_id, 0), n.recipient, n.subject, n.body_text, "
  "coalesce(n.body_html, ''), n.attempts, "
  + unix_ms("n.created_at") + ", c.over";

/// Every outcome names the attempt it belongs to: a row claimed again since, or already final,
/// is left alone.
const std::string fence = " WHERE id = $1 AND attempts = $2 AND status = 'QUEUED'";

outbox_mail to_mail(const pqxx::row& r) {
  outbox_mail m;
  m.id = r[0].as<std::string>();
  m.type = r[1].as<std::string>();
  m.order_id = r[2].as<std::string>();
  m.product_id = r[3].as<int64_t>();
  m.recipient = r[4].as<std::string>();
  m.subject = r[5].as<std::string>();
  m.body_text = r[6].as<std::string>();
  m.body_html = r[7].as<std::string>();
  m.attempt = r[8].as<int32_t>();
  m.created_at_ms = r[9].as<int64_t>();
  return m;
}

outbox_store_actor::behavior_type worker(outbox_store_actor::pointer self, connection_pool* pool,
                                         actor_registry* registry) {
  track_sampled(self, *registry, "store.outbox");
  return {
    [=](claim_atom, int32_t n, int64_t lease_ms, int32_t cap_per_hour) {
      return transact<std::vector<outbox_mail>>(*pool, [&](pqxx::work& tx) {
        std::vector<outbox_mail> out;
        for (auto row : tx.exec_params(claim_sql, n, lease_ms, cap_per_hour)) {
          out.push_back(to_mail(row));
          out.back().suppressed = row[10].as<bool>();
        }
        return out;
      });
    },
    [=](sent_atom, const std::string& id, int32_t attempt) {
      return transact<bool>(*pool, [&](pqxx::work& tx) {
        return tx.exec_params("UPDATE notifications SET status = 'SENT', sent_at = now(), "
                              "last_error = NULL"
                                + fence,
                              id, attempt)
                 .affected_rows()
               == 1;
      });
    },
    [=](retry_atom, const std::string& id, int32_t attempt, int64_t delay_ms,
        const std::string& error, bool counted) {
      return transact<bool>(*pool, [&](pqxx::work& tx) {
        return tx.exec_params("UPDATE notifications SET next_attempt_at = now() + make_interval("
                              "secs => $3 / 1000.0), last_error = $4, attempts = attempts - $5"
                                + fence,
                              id, attempt, delay_ms, error, counted ? 0 : 1)
                 .affected_rows()
               == 1;
      });
    },
    [=](failed_atom, const std::string& id, int32_t attempt, const std::string& error) {
      return transact<bool>(*pool, [&](pqxx::work& tx) {
        return tx.exec_params("UPDATE notifications SET status = 'FAILED', last_error = $3" + fence,
                              id, attempt, error)
                 .affected_rows()
               == 1;
      });
    },
    [=](stats_atom) {
      return transact<outbox_stats>(*pool, [&](pqxx::work& tx) {
        auto r = tx.exec1("SELECT count(*), coalesce((extract(epoch from now() - min(created_at)) "
                          "* 1000)::bigint, 0) FROM notifications WHERE status = 'QUEUED'");
        return outbox_stats{r[0].as<int64_t>(), r[1].as<int64_t>()};
      });
    },
  };
}

} // namespace

outbox_store_actor spawn_outbox_store(caf::actor_system& sys, connection_pool& pool, size_t workers,
                                      actor_registry& registry) {
  return spawn_pooled<outbox_store_actor>(sys, workers, [&] {
    return spawn_counted<caf::detached>(sys, worker, &pool, &registry);
  });
}

} // namespace agora::persistence
