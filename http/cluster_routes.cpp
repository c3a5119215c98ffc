#include "http/cluster_routes.hpp"

#include "http/actor_bridge.hpp"
#include "http/json_io.hpp"

#include <nlohmann/json.hpp>

#include <map>

namespace agora::http {

namespace {

using nlohmann::json;
using protocol::cluster_state;

json roles_json(const std::string& roles) {
  json out = json::array();
  size_t start = 0;
  while (start < roles.size()) {
    auto comma = roles.find(',', start);
    out.push_back(roles.substr(start, comma == std::string::npos ? comma : comma - start));
    if (comma == std::string::npos)
      break;
    start = comma + 1;
  }
  return out;
}

/// "live", "down" (up, but silent past the membership TTL) or "left".
std::string status_of(const protocol::member& m) {
  return m.live ? "live" : m.status == "up" ? "down" : "left";
}

json members_json(const cluster_state& c) {
  std::map<std::string, std::map<std::string, int>> owned; // member → kind → shards
  for (auto& l : c.leases)
    if (!l.owner.empty() && l.expires_in_ms > 0)
      ++owned[l.owner][l.kind];
  json nodes = json::array();
  for (auto& m : c.members) {
    json shards = json::object();
    shards["orders"] = owned[m.id]["orders"];
    shards["inventory"] = owned[m.id]["inventory"];
    nodes.push_back(
      {{"id", m.id},
       {"address", m.http_address},
       {"cluster_address", m.cluster_port == 0
                             ? json(nullptr)
                             : json(m.cluster_host + ":" + std::to_string(m.cluster_port))},
       {"roles", roles_json(m.roles)},
       {"status", status_of(m)},
       {"incarnation", m.incarnation},
       {"joined_at", rfc3339(m.joined_at_ms)},
       {"heartbeat_at", rfc3339(m.heartbeat_at_ms)},
       {"heartbeat_age_ms", m.heartbeat_age_ms},
       {"shards", shards}});
  }
  return {{"nodes", nodes}};
}

json shards_json(const cluster_state& c, const std::string& kind) {
  json items = json::array();
  for (auto& l : c.leases) {
    if (!kind.empty() && l.kind != kind)
      continue;
    bool held = !l.owner.empty() && l.expires_in_ms > 0;
    items.push_back({{"kind", l.kind},
                     {"shard", l.shard},
                     {"owner", held ? json(l.owner) : json(nullptr)},
                     {"incarnation", held ? json(l.incarnation) : json(nullptr)},
                     {"epoch", l.epoch},
                     {"since", rfc3339(l.since_ms)},
                     {"expires_at", held ? json(rfc3339(l.expires_at_ms)) : json(nullptr)}});
  }
  return {{"items", items}};
}

void get_cluster(const services& s, const exchange_ptr& ex) {
  ask<cluster_state>(
    *s.bridges, ex, s.keeper, s.ask_timeout,
    [](const exchange_ptr& ex, const cluster_state& c) {
      respond_json(ex, 200, members_json(c));
    },
    protocol::cluster_atom_v);
}

void get_shards(const services& s, const exchange_ptr& ex) {
  auto kind = ex->query("kind").value_or("");
  if (!kind.empty() && kind != protocol::orders_kind && kind != protocol::inventory_kind) {
    ex->respond_problem(invalid({{"kind", "must be orders or inventory"}}));
    return;
  }
  ask<cluster_state>(
    *s.bridges, ex, s.keeper, s.ask_timeout,
    [kind](const exchange_ptr& ex, const cluster_state& c) {
      respond_json(ex, 200, shards_json(c, kind));
    },
    protocol::cluster_atom_v);
}

} // namespace

std::vector<route> cluster_routes(const services& s) {
  return {{"GET", "/admin/cluster", bind(s, get_cluster), access::operator_role},
          {"GET", "/admin/shards", bind(s, get_shards), access::operator_role}};
}

} // namespace agora::http
