#include "persistence/read_store.hpp"

#include "persistence/order_codec.hpp"
#include "persistence/sql.hpp"
#include "persistence/transact.hpp"
#include "runtime/base/actor_registry.hpp"

#include <caf/typed_event_based_actor.hpp>

namespace agora::persistence {

namespace {

using namespace agora::protocol;
using nlohmann::json;

const std::string order_select =
  "SELECT o.id, o.status, coalesce(o.reason, ''), o.customer_email, o.items::text, o.total_cents, "
  "o.currency, o.shipping_address::text, "
  + unix_ms("o.created_at") + ", " + unix_ms("o.updated_at")
  + ", coalesce(p.id, ''), coalesce(p.status, ''), coalesce(p.amount_cents, 0), coalesce(s.id, "
    "''), "
    "coalesce(s.status, ''), coalesce(s.tracking_number, ''), coalesce(s.carrier, ''), "
    "count(*) OVER (), coalesce(o.customer_id, '') FROM orders o LEFT JOIN payments p ON "
    "p.order_id = o.id LEFT JOIN shipments "
    "s ON s.order_id = o.id ";

order_view to_view(const pqxx::row& r) {
  order_view v;
  v.id = r[0].as<std::string>();
  v.status = sql::enum_of<domain::order_status>(r[1].as<std::string>());
  v.reason = sql::enum_of<domain::order_reason>(r[2].as<std::string>());
  v.customer_email = r[3].as<std::string>();
  v.items = items_from(json::parse(r[4].as<std::string>()));
  v.total_cents = r[5].as<int64_t>();
  v.currency = r[6].as<std::string>();
  v.ship_to = address_from(json::parse(r[7].as<std::string>()));
  v.created_at_ms = r[8].as<int64_t>();
  v.updated_at_ms = r[9].as<int64_t>();
  v.payment_id = r[10].as<std::string>();
  if (!v.payment_id.empty())
    v.payment_status = sql::enum_of<domain::payment_status>(r[11].as<std::string>());
  v.payment_amount_cents = r[12].as<int64_t>();
  v.shipment_id = r[13].as<std::string>();
  if (!v.shipment_id.empty())
    v.shipment_status = sql::enum_of<domain::shipment_status>(r[14].as<std::string>());
  v.tracking_number = r[15].as<std::string>();
  v.carrier = r[16].as<std::string>();
  v.customer_id = r[18].as<std::string>();
  return v;
}

/// " WHERE a AND b" from the conditions given (empty when none).
std::string where(const std::vector<std::string>& conditions) {
  std::string out;
  for (auto& c : conditions)
    out += (out.empty() ? " WHERE " : " AND ") + c;
  return out;
}

std::string page_sql(const list_filter& f) {
  return " LIMIT " + std::to_string(f.limit) + " OFFSET " + std::to_string(f.offset);
}

/// A contract page over `document` (a json_build_object over alias d) from `from`.
std::string page_query(const std::string& document, const std::string& from,
                       const std::string& order, const list_filter& f) {
  return "SELECT json_build_object('items', coalesce(json_agg(doc ORDER BY rn), '[]'::json), "
         "'total', coalesce(max(total), (SELECT count(*) "
         + from + ")), 'limit', " + std::to_string(f.limit) + ", 'offset', "
         + std::to_string(f.offset) + ")::text FROM (SELECT " + document
         + " AS doc, row_number() OVER (ORDER BY " + order + ") AS rn, count(*) OVER () AS total "
         + from + " ORDER BY " + order + page_sql(f) + ") page";
}

caf::result<std::string> one(pqxx::work& tx, const std::string& query, const char* what) {
  auto rows = tx.exec(query);
  if (rows.empty() || rows[0][0].is_null())
    return caf::make_error(errc::not_found, std::string{"no such "} + what);
  return rows[0][0].as<std::string>();
}

const std::string payment_doc =
  "json_build_object('id', d.id, 'order_id', d.order_id, 'status', d.status, 'amount_cents', "
  "d.amount_cents, 'currency', d.currency, 'refunded_cents', d.refunded_cents, 'created_at', "
  + rfc3339("d.created_at") + ")";

// The timeline from the shipment row's own columns (migration 006): label, pickup, last mile and
// the end (delivered or cancelled), each present once reached. The stand-in of an order cancelled
// before it had a shipment was created and ended by one statement: it never had a label.
const std::string shipment_doc =
  "json_build_object('id', d.id, 'order_id', d.order_id, 'status', d.status, 'tracking_number', "
  "d.tracking_number, 'carrier', d.carrier, 'events', (SELECT json_agg(json_build_object("
  "'status', e.status, 'at', "
  + rfc3339("e.at")
  + ") ORDER BY e.n) FROM (VALUES (1, 'LABEL_CREATED', nullif(d.created_at, d.ended_at)), (2, "
    "'IN_TRANSIT', "
    "d.in_transit_at), (3, 'OUT_FOR_DELIVERY', d.out_for_delivery_at), (4, d.status, d.ended_at)) "
    "AS e (n, status, at) WHERE e.at IS NOT NULL))";

const std::string notification_doc =
  "json_build_object('id', d.id, 'type', d.type, 'order_id', d.order_id, 'product_id', "
  "d.product_id, 'to', d.recipient, 'subject', d.subject, 'status', d.status, 'attempts', "
  "d.attempts, 'created_at', "
  + rfc3339("d.created_at") + ", 'sent_at', " + rfc3339("d.sent_at") + ")";

/// The outbox as staff see it: the contract's fields and what the dispatcher knows of the row.
const std::string outbox_doc =
  "json_build_object('id', d.id, 'type', d.type, 'order_id', d.order_id, 'product_id', "
  "d.product_id, 'to', d.recipient, 'subject', d.subject, 'status', d.status, 'attempts', "
  "d.attempts, 'last_error', d.last_error, 'created_at', "
  + rfc3339("d.created_at") + ", 'sent_at', " + rfc3339("d.sent_at") + ", 'last_attempt_at', "
  + rfc3339("d.last_attempt_at") + ", 'next_attempt_at', CASE WHEN d.status = 'QUEUED' THEN "
  + rfc3339("d.next_attempt_at") + " END)";

// The unsettled orders that owe a step of their own: not those that only await their
// shipment's news (paid with a shipment, or shipped), which that news activates when it comes
// (and the lagging sweep when it was lost). After a join or a failover the new owner
// resumes these at once; the others cost nothing until then (most of a saga is the carrier's).
const std::string owing_sql =
  "SELECT id FROM orders WHERE NOT settled"
  " AND NOT (status IN ('PAID', 'SHIPPED') AND shipment_id IS NOT NULL) ORDER BY created_at";

// Orders whose shipment moved on (picked up, delivered) a while ago without the order hearing of
// it: the news was lost when the node retrying it stopped, or while the order changed owners.
const std::string lagging_sql =
  "SELECT o.id FROM orders o JOIN shipments s ON s.order_id = o.id WHERE NOT o.settled"
  " AND s.updated_at < now() - $1 * interval '1 millisecond'"
  " AND ((o.status = 'PAID' AND s.status IN ('IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED'))"
  "  OR (o.status = 'SHIPPED' AND s.status = 'DELIVERED'))"
  " ORDER BY s.updated_at LIMIT 1000";

caf::result<std::string> payments(pqxx::work& tx, const list_filter& f) {
  if (!f.id.empty())
    return one(tx,
               "SELECT " + payment_doc + "::text FROM payments d WHERE d.id = " + sql::lit(f.id),
               "payment");
  std::vector<std::string> c;
  if (!f.order_id.empty())
    c.push_back("d.order_id = " + sql::lit(f.order_id));
  return one(tx,
             page_query(payment_doc, "FROM payments d" + where(c), "d.created_at DESC, d.id", f),
             "page");
}

caf::result<std::string> shipments(pqxx::work& tx, const list_filter& f) {
  if (!f.id.empty() || !f.tracking_number.empty())
    return one(tx,
               "SELECT " + shipment_doc + "::text FROM shipments d WHERE "
                 + (f.id.empty() ? "d.tracking_number = " + sql::lit(f.tracking_number)
                                 : "d.id = " + sql::lit(f.id)),
               "shipment");
  std::vector<std::string> c;
  if (!f.order_id.empty())
    c.push_back("d.order_id = " + sql::lit(f.order_id));
  return one(tx,
             page_query(shipment_doc, "FROM shipments d" + where(c), "d.created_at DESC, d.id", f),
             "page");
}

caf::result<std::string> notices(pqxx::work& tx, const list_filter& f) {
  std::vector<std::string> c;
  if (!f.order_id.empty())
    c.push_back("d.order_id = " + sql::lit(f.order_id));
  if (f.product_id > 0)
    c.push_back("d.product_id = " + sql::lit(f.product_id));
  if (!f.type.empty())
    c.push_back("d.type = " + sql::lit(f.type));
  if (!f.status.empty())
    c.push_back("d.status = " + sql::lit(f.status));
  return one(
    tx,
    page_query(notification_doc, "FROM notifications d" + where(c), "d.created_at DESC, d.id", f),
    "page");
}

caf::result<std::string> outbox(pqxx::work& tx, const list_filter& f) {
  std::vector<std::string> c;
  if (!f.status.empty())
    c.push_back("d.status = " + sql::lit(f.status));
  if (!f.order_id.empty())
    c.push_back("d.order_id = " + sql::lit(f.order_id));
  return one(
    tx, page_query(outbox_doc, "FROM notifications d" + where(c), "d.created_at DESC, d.id", f),
    "page");
}

/// A FAILED mail back to QUEUED, due now, with a fresh set of attempts; its last error stays.
caf::result<std::string> requeue(pqxx::work& tx, const std::string& id) {
  auto moved = tx.exec_params("UPDATE notifications SET status = 'QUEUED', attempts = 0, "
                              "next_attempt_at = now() WHERE id = $1 AND status = 'FAILED'",
                              id);
  if (moved.affected_rows() == 0) {
    auto row = tx.exec_params("SELECT status FROM notifications WHERE id = $1", id);
    if (row.empty())
      return caf::make_error(errc::not_found, std::string{"no such notification"});
    return caf::make_error(errc::conflict, "the notification is " + row[0][0].as<std::string>()
                                             + "; only a FAILED one is retried");
  }
  return one(tx,
             "SELECT " + outbox_doc + "::text FROM notifications d WHERE d.id = " + sql::lit(id),
             "notification");
}

order_page orders(pqxx::work& tx, const list_filter& f) {
  std::vector<std::string> c;
  if (!f.customer_id.empty())
    c.push_back("o.customer_id = " + sql::lit(f.customer_id));
  if (!f.customer_email.empty())
    c.push_back("lower(o.customer_email) = lower(" + sql::lit(f.customer_email) + ")");
  if (!f.status.empty())
    c.push_back("o.status = " + sql::lit(f.status));
  order_page out;
  for (auto row :
       tx.exec(order_select + where(c) + " ORDER BY o.created_at DESC, o.id" + page_sql(f))) {
    out.items.push_back(to_view(row));
    out.total = row[17].as<int64_t>();
  }
  if (out.items.empty()) // past the last page: count separately
    out.total = tx.exec("SELECT count(*) FROM orders o" + where(c))[0][0].as<int64_t>();
  return out;
}

read_store_actor::behavior_type reader(read_store_actor::pointer self, connection_pool* pool,
                                       actor_registry* registry) {
  track_sampled(self, *registry, "store.reads");
  return {
    [=](get_atom, const std::string& id) {
      return transact<order_view>(*pool, [&](pqxx::work& tx) -> caf::result<order_view> {
        auto rows = tx.exec(order_select + "WHERE o.id = " + sql::lit(id));
        if (rows.empty())
          return caf::make_error(errc::not_found, std::string{"no such order"});
        return to_view(rows[0]);
      });
    },
    [=](list_atom, const list_filter& f) {
      return transact<order_page>(*pool, [&](pqxx::work& tx) {
        return orders(tx, f);
      });
    },
    [=](load_atom, const std::string& id) {
      return transact<std::vector<domain::order_event>>(*pool, [&](pqxx::work& tx) {
        std::vector<domain::order_event> out;
        for (auto row : tx.exec_params("SELECT type, data::text, " + unix_ms("at")
                                         + " FROM order_events WHERE order_id = $1 ORDER BY seq",
                                       id))
          out.push_back(event_from(id, row[0].as<std::string>(),
                                   json::parse(row[1].as<std::string>()), row[2].as<int64_t>()));
        return out;
      });
    },
    [=](events_atom, const std::string& id) {
      return transact<std::string>(*pool, [&](pqxx::work& tx) {
        return one(
          tx,
          "SELECT (SELECT coalesce(json_agg(json_build_object('seq', e.seq, 'type', e.type, "
          "'at', "
            + rfc3339("e.at")
            + ", 'data', e.data) ORDER BY e.seq), '[]'::json) "
              "FROM order_events e WHERE e.order_id = o.id)::text FROM orders o WHERE o.id = "
            + sql::lit(id),
          "order");
      });
    },
    [=](idem_atom, const std::string& key) {
      return transact<idempotency_record>(*pool, [&](pqxx::work& tx) {
        idempotency_record r;
        auto rows =
          tx.exec_params("SELECT request_hash, order_id FROM idempotency_keys WHERE key = $1", key);
        if (!rows.empty())
          r = {true, rows[0][0].as<std::string>(), rows[0][1].as<std::string>()};
        return r;
      });
    },
    [=](unsettled_atom) {
      return transact<std::vector<std::string>>(*pool, [&](pqxx::work& tx) {
        std::vector<std::string> out;
        for (auto row : tx.exec(owing_sql))
          out.push_back(row[0].as<std::string>());
        return out;
      });
    },
    [=](lagging_atom, int64_t older_than_ms) {
      return transact<std::vector<std::string>>(*pool, [&](pqxx::work& tx) {
        std::vector<std::string> out;
        for (auto row : tx.exec_params(lagging_sql, older_than_ms))
          out.push_back(row[0].as<std::string>());
        return out;
      });
    },
    [=](payments_atom, const list_filter& f) {
      return transact<std::string>(*pool, [&](pqxx::work& tx) {
        return payments(tx, f);
      });
    },
    [=](shipments_atom, const list_filter& f) {
      return transact<std::string>(*pool, [&](pqxx::work& tx) {
        return shipments(tx, f);
      });
    },
    [=](notices_atom, const list_filter& f) {
      return transact<std::string>(*pool, [&](pqxx::work& tx) {
        return notices(tx, f);
      });
    },
    [=](outbox_atom, const list_filter& f) {
      return transact<std::string>(*pool, [&](pqxx::work& tx) {
        return outbox(tx, f);
      });
    },
    [=](requeue_atom, const std::string& id) {
      return transact<std::string>(*pool, [&](pqxx::work& tx) {
        return requeue(tx, id);
      });
    },
  };
}

} // namespace

read_store_actor spawn_read_store(caf::actor_system& sys, connection_pool& pool, size_t workers,
                                  actor_registry& registry) {
  return spawn_pooled<read_store_actor>(sys, workers, [&] {
    return spawn_counted<caf::detached>(sys, reader, &pool, &registry);
  });
}

} // namespace agora::persistence
