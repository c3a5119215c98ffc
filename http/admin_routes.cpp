#include "http/admin_routes.hpp"

#include "actors/domain/ids.hpp"
#include "http/actor_bridge.hpp"
#include "http/json_io.hpp"
#include "http/problem.hpp"
#include "http/read_pages.hpp"
#include "http/replay.hpp"
#include "runtime/base/log.hpp"

#include <nlohmann/json.hpp>

#include <set>

namespace agora::http {

namespace {

using namespace agora::protocol;

/// "<actor id>@<node>": how the door names an actor across the cluster.
std::string actor_ref(const actor_info& a) {
  return std::to_string(a.id) + "@" + a.node;
}

json actor_json(const actor_info& a) {
  return {{"id", actor_ref(a)},
          {"actor", a.id},
          {"type", a.type},
          {"node", a.node},
          {"key", a.key.empty() ? json(nullptr) : json(a.key)},
          {"mailbox", a.mailbox},
          {"messages", a.messages},
          {"state", a.state.empty() ? json(nullptr) : json(a.state)},
          {"since", rfc3339(a.since_ms)}};
}

json listing_json(const actor_listing& l, const actor_query& q) {
  auto items = json::array();
  for (auto& a : l.items)
    items.push_back(actor_json(a));
  auto counts = json::array();
  for (auto& c : l.counts)
    counts.push_back({{"node", c.node}, {"type", c.type}, {"count", c.count}});
  return {{"items", std::move(items)},  {"total", l.total}, {"limit", q.limit},
          {"offset", q.offset},         {"nodes", l.nodes}, {"missing", l.missing},
          {"counts", std::move(counts)}};
}

void list_actors(const services& s, const exchange_ptr& ex) {
  auto page = parse_page(ex);
  if (!page)
    return;
  actor_query q;
  q.limit = page->limit;
  q.offset = page->offset;
  q.type = ex->query("type").value_or("");
  q.node = ex->query("node").value_or("");
  q.q = ex->query("q").value_or("");
  q.sort = ex->query("sort").value_or("id");
  static const std::set<std::string> sorts{"id", "mailbox", "messages"};
  if (sorts.count(q.sort) == 0)
    return ex->respond_problem(invalid({{"sort", "must be id, mailbox or messages"}}));
  ask<actor_listing>(
    *s.bridges, ex, s.introspector, s.ask_timeout,
    [q](const exchange_ptr& ex, const actor_listing& l) {
      respond_json(ex, 200, listing_json(l, q));
    },
    actors_atom_v, q);
}

/// The nodes' own counters, for the console's live strip and agoractl top: no actors listed.
void get_stats(const services& s, const exchange_ptr& ex) {
  actor_query q;
  q.limit = 0;
  ask<actor_listing>(
    *s.bridges, ex, s.introspector, s.ask_timeout,
    [](const exchange_ptr& ex, const actor_listing& l) {
      auto nodes = json::array();
      for (auto& c : l.counters) {
        auto actors = json::object();
        int64_t live = 0;
        for (auto& n : l.counts)
          if (n.node == c.node) {
            actors[n.type] = n.count;
            live += n.count;
          }
        nodes.push_back({{"node", c.node},
                         {"at", rfc3339(c.at_ms)},
                         {"orders_created", c.orders_created},
                         {"requests", c.requests},
                         {"latency_seconds", {{"le", c.latency_le}, {"counts", c.latency_counts}}},
                         {"live_actors", live},
                         {"actors", std::move(actors)}});
      }
      respond_json(ex, 200, {{"nodes", std::move(nodes)}, {"missing", l.missing}});
    },
    actors_atom_v, q);
}

json detail_json(const actor_detail& d) {
  auto out = actor_json(d.info);
  auto recent = json::array();
  for (auto& m : d.recent)
    recent.push_back({{"kind", m.kind},
                      {"from", m.from.empty() ? json(nullptr) : json(m.from)},
                      {"at", rfc3339(m.at_ms)}});
  out["recent"] = std::move(recent);
  out["recording"] = d.recording;
  out["recording_until"] = d.recording ? json(rfc3339(d.recording_until_ms)) : json(nullptr);
  return out;
}

void get_actor(const services& s, const exchange_ptr& ex) {
  auto ref = std::string{ex->param("id")};
  auto at = ref.find('@');
  uint64_t id = 0;
  try {
    size_t used = 0;
    id = at == std::string::npos ? 0 : std::stoull(ref.substr(0, at), &used);
    if (used != at)
      id = 0;
  } catch (const std::exception&) {
    id = 0;
  }
  if (id == 0 || at + 1 >= ref.size())
    return ex->respond_problem(make_problem(errc::not_found, "no such actor"));
  auto node = ref.substr(at + 1);
  bridge(*s.bridges, [=](caf::event_based_actor* self) {
    then_ask<actor_detail>(
      self, ex, s.introspector, s.ask_timeout,
      [=](actor_detail& d) {
        auto out = detail_json(d);
        if (d.info.type != "order" || !domain::is_well_formed_id("ord", d.info.key))
          return respond_json(ex, 200, out);
        then_ask<std::string>(
          self, ex, s.reads, s.ask_timeout,
          [=](std::string& journal) mutable {
            out["journal"] = json::parse(journal, nullptr, false);
            respond_json(ex, 200, out);
          },
          events_atom_v, d.info.key);
      },
      actor_atom_v, node, id);
  });
}

void replay_order(const services& s, const exchange_ptr& ex) {
  auto id = path_id(ex, "ord");
  if (!id)
    return;
  bridge(*s.bridges, [=](caf::event_based_actor* self) {
    then_ask<order_view>(
      self, ex, s.reads, s.ask_timeout,
      [=](order_view& stored) {
        then_ask<std::vector<domain::order_event>>(
          self, ex, s.reads, s.ask_timeout,
          [=](std::vector<domain::order_event>& journal) {
            respond_json(ex, 200, replay_json(journal, stored));
          },
          load_atom_v, *id);
      },
      get_atom_v, *id);
  });
}

void list_outbox(const services& s, const exchange_ptr& ex) {
  auto f = page_filter(ex);
  if (!f)
    return;
  f->status = ex->query("status").value_or("");
  if (auto bad = notification_status_error(f->status))
    return ex->respond_problem(invalid({std::move(*bad)}));
  read_json(s, ex, outbox_atom_v, *f);
}

void retry_mail(const services& s, const exchange_ptr& ex) {
  auto id = path_id(ex, "ntf");
  if (!id)
    return;
  ask<std::string>(
    *s.bridges, ex, s.reads, s.ask_timeout,
    [id = *id](const exchange_ptr& ex, std::string& text) {
      log::info("mail.requeued").kv("notification_id", id).kv("request_id", ex->request_id());
      respond_json_text(ex, 200, std::move(text));
    },
    requeue_atom_v, *id);
}

} // namespace

std::vector<route> admin_routes(const services& s) {
  return {{"GET", "/admin/actors", bind(s, list_actors), access::operator_role},
          {"GET", "/admin/actors/:id", bind(s, get_actor), access::operator_role},
          {"GET", "/admin/stats", bind(s, get_stats), access::operator_role},
          {"GET", "/admin/orders/:id/replay", bind(s, replay_order), access::operator_role},
          {"GET", "/admin/notifications", bind(s, list_outbox), access::operator_role},
          {"POST", "/admin/notifications/:id/retry", bind(s, retry_mail), access::admin_role}};
}

} // namespace agora::http
