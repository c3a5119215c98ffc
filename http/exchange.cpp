#include "http/door.hpp"
#include "runtime/base/log.hpp"
#include "runtime/base/metrics.hpp"

#include <cctype>
#include <cmath>

namespace agora::http {

exchange::exchange(std::unique_ptr<impl> p) : impl_(std::move(p)) {}

exchange::~exchange() {
  if (!responded()) {
    log::error("http.unanswered").kv("request_id", impl_->request_id).kv("route", impl_->route);
    respond_problem(
      make_problem(protocol::errc::unavailable, "the request was dropped before it was answered"));
  }
}

std::string_view exchange::method() const {
  return impl_->req->header().method().c_str();
}

std::string_view exchange::path() const {
  return impl_->req->header().path();
}

std::string_view exchange::body() const {
  return impl_->req->body();
}

const std::string& exchange::route() const {
  return impl_->route;
}

const std::string& exchange::request_id() const {
  return impl_->request_id;
}

const std::string& exchange::trace_id() const {
  return impl_->trace_id;
}

std::optional<std::string_view> exchange::header(std::string_view name) const {
  auto value = impl_->req->header().opt_value_of(name);
  if (!value)
    return std::nullopt;
  return std::string_view{value->data(), value->size()};
}

std::string_view exchange::param(std::string_view name) const {
  for (auto& [k, v] : impl_->params)
    if (k == name)
      return v;
  return {};
}

std::optional<std::string> exchange::query(std::string_view name) const {
  for (auto& [k, v] : impl_->query)
    if (k == name)
      return v;
  return std::nullopt;
}

const std::string& exchange::client() const {
  return impl_->client;
}

const caller& exchange::who() const {
  return impl_->who;
}

void exchange::identify(caller c) {
  impl_->who = std::move(c);
}

bool exchange::responded() const {
  return impl_->answered.load();
}

std::chrono::steady_clock::time_point exchange::started() const {
  return impl_->started;
}

void exchange::respond_problem(const problem& p) {
  header_list extra;
  if (p.allow)
    extra.emplace_back("Allow", *p.allow);
  if (p.retry_after)
    extra.emplace_back("Retry-After", std::to_string(*p.retry_after));
  if (p.status == 401)
    extra.emplace_back("WWW-Authenticate", "Bearer realm=\"agora\"");
  respond(p.status, to_json(p), "application/problem+json", std::move(extra));
}

void exchange::respond(int status, std::string body, std::string_view content_type,
                       header_list extra) {
  auto& st = *impl_;
  if (st.answered.exchange(true))
    return;
  auto& door = *st.door;
  auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - st.started);
  auto method = std::string{this->method()};
  door.requests.Add({{"route", st.route}, {"method", method}, {"status", std::to_string(status)}})
    .Increment();
  door.latency.Add({{"route", st.route}, {"method", method}}, metrics::latency_buckets())
    .Observe(elapsed.count());
  if (st.admitted) {
    door.in_flight_gauge.Set(static_cast<double>(--door.in_flight));
  }
  auto lv = status >= 500 ? log::level::warn : log::level::info;
  log::line{lv, "http.request"}
    .kv("request_id", st.request_id)
    .kv("trace_id", st.trace_id)
    .kv("method", method)
    .kv("route", st.route)
    .kv("path", path())
    .kv("status", status)
    .kv("duration_ms", std::round(elapsed.count() * 1e6) / 1e3);
  try {
    restinio::http_status_line_t line{
      restinio::http_status_code_t{static_cast<std::uint16_t>(status)}, reason_of(status)};
    auto headers = [&](auto& resp) {
      resp.append_header(restinio::http_field::content_type, std::string{content_type});
      resp.append_header("X-Request-Id", st.request_id);
      resp.append_header("traceparent", st.traceparent);
      for (auto& [name, value] : extra)
        resp.append_header(name, value);
    };
    if (st.req->header().method() == restinio::http_method_head()) {
      auto resp = st.req->create_response<restinio::user_controlled_output_t>(line);
      headers(resp);
      resp.set_content_length(body.size()); // what the GET would send, and nothing of it
      resp.done();
      return;
    }
    auto resp = st.req->create_response(line);
    headers(resp);
    resp.set_body(std::move(body));
    resp.done();
  } catch (const std::exception& e) {
    // The connection is gone (client left, server stopping): nothing to answer to.
    log::debug("http.response_dropped").kv("request_id", st.request_id).kv("error", e.what());
  }
}

std::string_view to_string(access rule) {
  switch (rule) {
    case access::everyone: return "everyone";
    case access::order_holder: return "order_holder";
    case access::customer: return "customer";
    case access::account: return "account";
    case access::operator_role: return "operator";
    case access::admin_role: return "admin";
    case access::metrics_reader: return "metrics";
  }
  return "unknown";
}

std::string route_template(std::string_view express_path) {
  std::string out;
  for (size_t i = 0; i < express_path.size(); ++i) {
    if (express_path[i] == ':' && (i == 0 || express_path[i - 1] == '/')) {
      size_t end = i + 1;
      while (end < express_path.size()
             && (std::isalnum(static_cast<unsigned char>(express_path[end]))
                 || express_path[end] == '_'))
        ++end;
      out += '{';
      out.append(express_path.substr(i + 1, end - i - 1));
      out += '}';
      i = end - 1;
    } else {
      out += express_path[i];
    }
  }
  return out;
}

} // namespace agora::http
