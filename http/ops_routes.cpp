#include "http/ops_routes.hpp"

#include "http/actor_bridge.hpp"
#include "http/json_io.hpp"
#include "runtime/base/embedded_file.hpp"
#include "runtime/base/log.hpp"
#include "runtime/base/metrics.hpp"

#include <nlohmann/json.hpp>

namespace agora::http {

const std::vector<embedded_file>& http_assets(); // generated

namespace {

using protocol::readiness;

void readyz(const services& s, const exchange_ptr& ex) {
  ask<readiness>(
    *s.bridges, ex, s.health, s.ask_timeout,
    [](const exchange_ptr& ex, const readiness& r) {
      if (r.database && r.cluster) {
        respond_json(ex, 200,
                     {{"status", "ready"}, {"checks", {{"database", "ok"}, {"cluster", "ok"}}}});
        return;
      }
      auto p = make_problem(protocol::errc::unavailable, "not ready: " + r.detail);
      ex->respond_problem(p);
    },
    protocol::ready_atom_v);
}

void put_log_level(const exchange_ptr& ex) {
  auto body = parse_object(ex);
  if (!body)
    return;
  auto level = body->find("level");
  log::level parsed;
  if (level == body->end() || !level->is_string()
      || !log::parse_level(level->get<std::string>(), parsed)) {
    ex->respond_problem(invalid({{"level", "must be one of debug, info, warn, error"}}));
    return;
  }
  log::set_level(parsed);
  log::warn("log.level_changed")
    .kv("request_id", ex->request_id())
    .kv("level", log::to_string(parsed));
  respond_json(ex, 200, {{"level", std::string{log::to_string(parsed)}}});
}

} // namespace

std::string_view http_asset(std::string_view name) {
  for (auto& f : http_assets())
    if (f.name == name)
      return f.content;
  return {};
}

std::string_view openapi_document() {
  auto doc = http_asset("openapi.json");
  return doc.empty() ? std::string_view{"{}"} : doc;
}

std::vector<route> ops_routes(const services& s) {
  std::vector<route> out;
  out.push_back({"GET", "/healthz",
                 [](const exchange_ptr& ex) {
                   respond_json(ex, 200, {{"status", "ok"}});
                 },
                 access::everyone, false, limit_class::none});
  out.push_back({"GET", "/readyz",
                 [s](const exchange_ptr& ex) {
                   readyz(s, ex);
                 },
                 access::everyone, false, limit_class::none});
  out.push_back({"GET", "/metrics",
                 [s](const exchange_ptr& ex) {
                   ex->respond(200, s.metrics->render(),
                               "text/plain; version=0.0.4; charset=utf-8");
                 },
                 access::metrics_reader, false, limit_class::none});
  out.push_back({"GET", "/openapi.json",
                 [](const exchange_ptr& ex) {
                   ex->respond(200, std::string{openapi_document()});
                 },
                 access::everyone, false, limit_class::none});
  out.push_back(
    {"GET", "/admin/log-level",
     [](const exchange_ptr& ex) {
       respond_json(ex, 200, {{"level", std::string{log::to_string(log::current_level())}}});
     },
     access::operator_role});
  out.push_back({"PUT", "/admin/log-level", put_log_level, access::admin_role});
  return out;
}

} // namespace agora::http
