#include "http/replay.hpp"

#include "http/json_io.hpp"

namespace agora::http {

namespace {

json event_json(const domain::order_event& e) {
  json out{{"type", domain::to_string(e.type)}, {"at", rfc3339(e.at_ms)}};
  if (e.reason != domain::order_reason::none)
    out["reason"] = domain::to_string(e.reason);
  if (!e.products.empty())
    out["products"] = e.products;
  if (!e.payment_id.empty())
    out["payment_id"] = e.payment_id;
  if (e.amount_cents != 0)
    out["amount_cents"] = e.amount_cents;
  if (!e.detail.empty())
    out["detail"] = e.detail;
  if (!e.shipment_id.empty())
    out["shipment_id"] = e.shipment_id;
  if (!e.tracking_number.empty())
    out["tracking_number"] = e.tracking_number;
  if (!e.carrier.empty())
    out["carrier"] = e.carrier;
  return out;
}

json state_json(const domain::order_state& s) {
  auto out = order_json(protocol::view_of(s, std::nullopt));
  auto owes = json::array();
  for (auto e : domain::pending_effects(s))
    owes.push_back(domain::to_string(e));
  out["owes"] = std::move(owes);
  out["settled"] = domain::settled(s);
  return out;
}

/// The leaves of `a` and `b` that differ, as JSON-pointer-like paths ("payment/status").
void diff(const json& a, const json& b, const std::string& path, json& out) {
  if (a.is_object() && b.is_object()) {
    for (auto& [key, value] : a.items())
      diff(value, b.contains(key) ? b[key] : json(nullptr), path.empty() ? key : path + "/" + key,
           out);
    for (auto& [key, value] : b.items())
      if (!a.contains(key))
        diff(json(nullptr), value, path.empty() ? key : path + "/" + key, out);
    return;
  }
  if (a != b)
    out.push_back({{"field", path}, {"replayed", a}, {"stored", b}});
}

} // namespace

json replay_json(const std::vector<domain::order_event>& journal,
                 const protocol::order_view& stored) {
  domain::order_state s;
  auto steps = json::array();
  int seq = 0;
  for (auto& e : journal) {
    domain::apply(s, e);
    steps.push_back({{"seq", ++seq}, {"event", event_json(e)}, {"state_after", state_json(s)}});
  }
  std::optional<domain::shipment_status> seen;
  if (!stored.shipment_id.empty())
    seen = stored.shipment_status;
  auto differences = json::array();
  diff(order_json(protocol::view_of(s, seen)), order_json(stored), "", differences);
  return {{"order_id", stored.id},
          {"events", std::move(steps)},
          {"matches", differences.empty()},
          {"differences", std::move(differences)}};
}

} // namespace agora::http
