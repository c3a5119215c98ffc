#include "persistence/order_codec.hpp"

#include "persistence/fencing.hpp"
#include "persistence/outbox.hpp"
#include "persistence/sql.hpp"
#include "runtime/base/random.hpp"

#include <stdexcept>

namespace agora::persistence {

using nlohmann::json;

json items_json(const std::vector<domain::line_item>& items) {
  auto out = json::array();
  for (auto& i : items)
    out.push_back({{"product_id", i.product_id},
                   {"quantity", i.quantity},
                   {"unit_price_cents", i.unit_price_cents}});
  return out;
}

std::vector<domain::line_item> items_from(const json& j) {
  std::vector<domain::line_item> out;
  for (auto& i : j)
    out.push_back({i.at("product_id").get<int64_t>(), i.at("quantity").get<int32_t>(),
                   i.at("unit_price_cents").get<int64_t>()});
  return out;
}

json address_json(const domain::address& a) {
  return {{"name", a.name},
          {"line1", a.line1},
          {"line2", a.line2},
          {"city", a.city},
          {"postal_code", a.postal_code},
          {"country", a.country}};
}

domain::address address_from(const json& j) {
  auto text = [&](const char* k) {
    return j.value(k, std::string{});
  };
  return {text("name"), text("line1"),       text("line2"),
          text("city"), text("postal_code"), text("country")};
}

json event_data(const domain::order_event& e) {
  using domain::event_type;
  switch (e.type) {
    case event_type::order_created: {
      auto& d = e.draft;
      // The card token says how the simulated issuer answers; the card number was never kept.
      auto data = json{{"customer_email", d.customer_email},
                       {"items", items_json(d.items)},
                       {"total_cents", d.total_cents},
                       {"currency", d.currency},
                       {"shipping_address", address_json(d.ship_to)},
                       {"card_token", d.card_token},
                       {"card_last4", d.card_last4}};
      if (!d.customer_id.empty())
        data["customer_id"] = d.customer_id;
      return data;
    }
    case event_type::order_rejected:
      return {{"reason", domain::to_string(e.reason)}, {"products", e.products}};
    case event_type::order_cancelled: return {{"reason", domain::to_string(e.reason)}};
    case event_type::payment_captured:
    case event_type::payment_refunded:
      return {{"payment_id", e.payment_id}, {"amount_cents", e.amount_cents}};
    case event_type::payment_declined:
      return {{"payment_id", e.payment_id}, {"decline_reason", e.detail}};
    case event_type::payment_voided: return {{"payment_id", e.payment_id}};
    case event_type::payment_refund_issued:
      return {{"payment_id", e.payment_id}, {"amount_cents", e.amount_cents}, {"key", e.detail}};
    case event_type::shipment_created:
      return {{"shipment_id", e.shipment_id},
              {"tracking_number", e.tracking_number},
              {"carrier", e.carrier}};
    default: return json::object();
  }
}

domain::order_event event_from(const std::string& order_id, const std::string& type, const json& d,
                               int64_t at_ms) {
  auto t = domain::from_text<domain::event_type>(type);
  if (!t)
    throw std::runtime_error("unknown journal event type " + type);
  domain::order_event e;
  e.type = *t;
  e.at_ms = at_ms;
  auto text = [&](const char* k) {
    return d.value(k, std::string{});
  };
  switch (e.type) {
    case domain::event_type::order_created:
      e.draft.id = order_id;
      e.draft.customer_email = text("customer_email");
      e.draft.customer_id = text("customer_id");
      e.draft.items = items_from(d.at("items"));
      e.draft.total_cents = d.value("total_cents", int64_t{0});
      e.draft.currency = text("currency");
      e.draft.ship_to = address_from(d.at("shipping_address"));
      e.draft.card_token = text("card_token");
      e.draft.card_last4 = text("card_last4");
      break;
    case domain::event_type::order_rejected:
    case domain::event_type::order_cancelled:
      e.reason = domain::from_text<domain::order_reason>(text("reason"))
                   .value_or(domain::order_reason::none);
      if (d.contains("products"))
        e.products = d.at("products").get<std::vector<int64_t>>();
      break;
    default:
      e.payment_id = text("payment_id");
      e.amount_cents = d.value("amount_cents", int64_t{0});
      e.detail =
        e.type == domain::event_type::payment_refund_issued ? text("key") : text("decline_reason");
      e.shipment_id = text("shipment_id");
      e.tracking_number = text("tracking_number");
      e.carrier = text("carrier");
  }
  return e;
}

namespace {

const merge_spec event_insert{
  80, "INSERT INTO order_events (order_id, seq, type, data, at) VALUES ", ""};

// The projection: the first append inserts it, later ones replace what changed; a stale append
// (lower version) never overwrites a newer one.
const merge_spec projection_upsert{
  81,
  "INSERT INTO orders (id, status, reason, customer_email, customer_id, items, total_cents, "
  "currency, shipping_address, payment_id, shipment_id, version, settled, created_at, updated_at) "
  "VALUES ",
  " ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, reason = EXCLUDED.reason, "
  "payment_id = EXCLUDED.payment_id, shipment_id = EXCLUDED.shipment_id, version = "
  "EXCLUDED.version, settled = EXCLUDED.settled, updated_at = EXCLUDED.updated_at WHERE "
  "orders.version < EXCLUDED.version"};

// Later appends change only the moving parts: a narrow row instead of the whole order again.
const merge_spec projection_update{
  82,
  "UPDATE orders AS o SET status = v.status, reason = v.reason, payment_id = v.payment_id, "
  "shipment_id = v.shipment_id, version = v.version, settled = v.settled, updated_at = "
  "v.updated_at FROM (VALUES ",
  ") AS v (id, status, reason, payment_id, shipment_id, version, settled, updated_at) WHERE "
  "o.id = v.id AND o.version < v.version"};

const merge_spec idempotency_insert{
  83, "INSERT INTO idempotency_keys (key, request_hash, order_id) VALUES ", ""};

} // namespace

write_job journal_job(const protocol::journal_append& b) {
  using namespace sql;
  write_job job;
  auto& v = b.projection;
  for (size_t i = 0; i < b.events.size(); ++i) {
    auto& e = b.events[i];
    job.rows.push_back(
      {&event_insert,
       "("
         + list({lit(b.order_id), lit(int64_t{b.first_seq} + static_cast<int64_t>(i)),
                 lit(domain::to_string(e.type)), jsonb(event_data(e).dump()), ts(e.at_ms)})
         + ")"});
  }
  auto version = lit(int64_t{b.first_seq} + static_cast<int64_t>(b.events.size()) - 1);
  if (b.first_seq > 1)
    job.rows.push_back(
      {&projection_update,
       "("
         + list({lit(b.order_id), lit(v.status), lit_or_null(domain::to_string(v.reason)),
                 lit_or_null(v.payment_id), lit_or_null(v.shipment_id), version,
                 b.settled ? "true" : "false", ts(v.updated_at_ms)})
         + ")"});
  else
    job.rows.push_back(
      {&projection_upsert,
       "("
         + list({lit(b.order_id), lit(v.status), lit_or_null(domain::to_string(v.reason)),
                 lit(v.customer_email), lit_or_null(v.customer_id),
                 jsonb(items_json(v.items).dump()), lit(v.total_cents), lit(v.currency),
                 jsonb(address_json(v.ship_to).dump()), lit_or_null(v.payment_id),
                 lit_or_null(v.shipment_id), version, b.settled ? "true" : "false",
                 ts(v.created_at_ms), ts(v.updated_at_ms)})
         + ")"});
  if (!b.idempotency_key.empty())
    job.rows.push_back(
      {&idempotency_insert,
       "(" + list({lit(b.idempotency_key), lit(b.request_hash), lit(b.order_id)}) + ")"});
  for (auto& n : b.notifications)
    job.rows.push_back(outbox_row(n, new_id("ntf")));
  add_fence(job, protocol::orders_kind, b.token);
  job.can_wait = b.can_wait;
  return job;
}

} // namespace agora::persistence
