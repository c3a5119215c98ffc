#include "http/server.hpp"

#include "actors/domain/validation.hpp"
#include "http/door.hpp"
#include "http/request_context.hpp"
#include "runtime/base/log.hpp"
#include "runtime/base/metrics.hpp"
#include "runtime/base/secrets.hpp"

#include <prometheus/registry.h>
#include <restinio/http_server_run.hpp>
#include <restinio/router/express.hpp>
#include <restinio/router/method_matcher.hpp>
#include <restinio/traits.hpp>
#include <restinio/uri_helpers.hpp>
#include <restinio/utils/percent_encoding.hpp>

#include <algorithm>
#include <thread>

namespace agora::http {

namespace {

/// RESTinio's own diagnostics (client resets, timeouts) go to our log at debug level; its errors
/// at warn.
struct restinio_log {
  template <class Builder>
  void trace(Builder&&) {}
  template <class Builder>
  void info(Builder&&) {}
  template <class Builder>
  void warn(Builder&& msg) {
    if (log::enabled(log::level::debug))
      log::debug("http.restinio").kv("message", msg());
  }
  template <class Builder>
  void error(Builder&& msg) {
    log::warn("http.restinio").kv("message", msg());
  }
};

// The router sits behind a check of the path (see build_handler), so the handler type is the
// plain std::function.
struct door_traits : restinio::traits_t<restinio::asio_timer_manager_t, restinio_log,
                                        restinio::default_request_handler_t> {
  static constexpr bool use_connection_count_limiter = true;
};

using router_type = restinio::router::express_router_t<>;
using running = restinio::running_server_handle_t<door_traits>;

std::optional<restinio::http_method_id_t> method_id(std::string_view name) {
  if (name == "GET")
    return restinio::http_method_get();
  if (name == "POST")
    return restinio::http_method_post();
  if (name == "PUT")
    return restinio::http_method_put();
  if (name == "DELETE")
    return restinio::http_method_delete();
  if (name == "PATCH")
    return restinio::http_method_patch();
  return std::nullopt;
}

std::vector<std::string> param_names(std::string_view express_path) {
  std::vector<std::string> out;
  auto tmpl = route_template(express_path);
  for (size_t open = tmpl.find('{'); open != std::string::npos; open = tmpl.find('{', open + 1))
    out.push_back(tmpl.substr(open + 1, tmpl.find('}', open) - open - 1));
  return out;
}

bool has_body_method(restinio::http_method_id_t m) {
  return m == restinio::http_method_post() || m == restinio::http_method_put()
         || m == restinio::http_method_patch();
}

} // namespace

struct server::impl {
  std::shared_ptr<door_state> door;
  std::vector<route> routes;
  running handle;
  std::atomic<uint16_t> bound_port{0};

  /// A new exchange and, for the server's own use, its RESTinio side.
  std::pair<exchange_ptr, exchange::impl*> open(const restinio::request_handle_t& req,
                                                std::string route_label) {
    auto st = std::make_unique<exchange::impl>();
    st->req = req;
    st->door = door;
    st->route = std::move(route_label);
    auto rid = req->header().opt_value_of("X-Request-Id");
    asio::error_code ec;
    auto peer = req->remote_endpoint();
    st->client = peer.address().to_string(ec);
    st->request_id = request_id_for(
      rid ? std::optional<std::string_view>{std::string_view{rid->data(), rid->size()}}
          : std::nullopt);
    auto tp = req->header().opt_value_of("traceparent");
    auto trace =
      trace_for(tp ? std::optional<std::string_view>{std::string_view{tp->data(), tp->size()}}
                   : std::nullopt);
    st->trace_id = std::move(trace.trace_id);
    st->traceparent = std::move(trace.traceparent);
    auto* raw = st.get();
    return {std::make_shared<exchange>(std::move(st)), raw};
  }

  /// Everything a matched request goes through before its handler; false when already answered.
  bool admit(const exchange_ptr& ex, exchange::impl& st, const route& r) {
    auto& opts = door->options;
    if (door->draining) {
      door->rejected.Add({{"reason", "draining"}}).Increment();
      ex->respond_problem(make_problem(protocol::errc::unavailable, "the node is shutting down"));
      return false;
    }
    if (r.admitted) {
      if (door->in_flight.fetch_add(1) >= opts.max_in_flight) {
        door->in_flight.fetch_sub(1);
        door->rejected.Add({{"reason", "overloaded"}}).Increment();
        ex->respond_problem(
          make_problem(protocol::errc::unavailable, "too many requests in flight; retry shortly"));
        return false;
      }
      st.admitted = true;
      door->in_flight_gauge.Set(static_cast<double>(door->in_flight.load()));
    }
    auto parsed =
      restinio::try_parse_query<restinio::parse_query_traits::relaxed>(st.req->header().query());
    if (!parsed) {
      ex->respond_problem(make_problem(protocol::errc::invalid_argument, "malformed query string"));
      return false;
    }
    std::vector<field_error> bad;
    for (auto& kv : *parsed) {
      std::string name{kv.first.data(), kv.first.size()};
      std::string value{kv.second.data(), kv.second.size()};
      if (auto why = domain::text_problem(name + value, domain::text_kind::line); !why.empty())
        bad.push_back({name, std::string{why}});
      st.query.emplace_back(std::move(name), std::move(value));
    }
    if (!bad.empty()) {
      ex->respond_problem(invalid(std::move(bad)));
      return false;
    }
    if (has_body_method(st.req->header().method()) && !ex->body().empty()) {
      if (ex->body().size() > opts.max_body_bytes) {
        ex->respond_problem(
          make_problem(protocol::errc::payload_too_large,
                       "the body exceeds " + std::to_string(opts.max_body_bytes) + " bytes"));
        return false;
      }
      auto ct = ex->header("Content-Type");
      if (!ct || !is_json_content_type(*ct)) {
        ex->respond_problem(make_problem(protocol::errc::unsupported_media_type,
                                         "send the body as Content-Type: application/json"));
        return false;
      }
    }
    return true;
  }

  void dispatch(const route& r, const std::vector<std::string>& names,
                const restinio::request_handle_t& req, const restinio::router::route_params_t& p) {
    auto [ex, st_ptr] = open(req, route_template(r.path));
    auto& st = *st_ptr;
    for (auto& name : names)
      if (auto v = p.get_param(name)) {
        // Path parameters arrive percent-encoded ("412%40node-a"). Every resource id is printable
        // ASCII, so a decoded value is taken only when it is too; anything else (a malformed
        // escape, %00, bytes that are not UTF-8) stays as sent and finds no such resource.
        auto decoded = restinio::utils::try_unescape_percent_encoding(*v);
        bool printable = decoded && std::all_of(decoded->begin(), decoded->end(), [](char c) {
                           return c > 0x20 && c < 0x7f;
                         });
        st.params.emplace_back(name,
                               printable ? std::move(*decoded) : std::string{v->data(), v->size()});
      }
    if (!admit(ex, st, r) || !within_limit(ex, r, "a:" + st.client))
      return;
    auto client = st.client;
    bool credentials = ex->header("Authorization") || ex->query("access_token");
    if (credentials && r.limit != limit_class::none)
      if (auto wait = door->login_limit.wait("a:" + client); wait > 0)
        return limited(ex, wait, "too many failed sign-ins or credentials from this address");
    identify(ex, r);
  }

  /// Takes a token of the route's class for `key`; false after answering 429.
  bool within_limit(const exchange_ptr& ex, const route& r, const std::string& key) {
    auto* limiter = door->limiter(r.limit);
    if (!limiter)
      return true;
    if (auto wait = limiter->take(key); wait > 0) {
      limited(ex, wait, "too many requests; retry after the time in Retry-After");
      return false;
    }
    return true;
  }

  void limited(const exchange_ptr& ex, double wait, const char* detail) {
    door->rejected.Add({{"reason", "rate_limited"}}).Increment();
    auto p = make_problem(protocol::errc::rate_limited, detail);
    p.retry_after = std::max(1, static_cast<int>(std::ceil(wait)));
    ex->respond_problem(p);
  }

  /// Resolves the caller (a session may need the account store), checks the route's rule and
  /// runs the handler.
  void identify(const exchange_ptr& ex, const route& r) {
    auto& opts = door->options;
    auto query_token = ex->query("access_token");
    auto cred = read_credential(
      ex->header("Authorization"),
      query_token ? std::optional<std::string_view>{*query_token} : std::nullopt, opts.tokens);
    caller who;
    // Only /metrics asks where the client is.
    who.trusted_address =
      r.who == access::metrics_reader && address_in(ex->client(), opts.metrics_allow);
    using kind = credential::kind;
    switch (cred.what) {
      case kind::none: break;
      case kind::malformed:
        return deny(ex, make_problem(protocol::errc::unauthenticated,
                                     "send credentials as Authorization: Bearer <token>"));
      case kind::unknown:
        return deny(ex, make_problem(protocol::errc::unauthenticated, "unknown bearer token"));
      case kind::staff:
        who.kind = cred.role == "admin" ? caller_kind::admin_staff : caller_kind::operator_staff;
        who.digest = secrets::token_digest(cred.token);
        break;
      case kind::order_token:
        who.kind = caller_kind::guest;
        who.token = std::move(cred.token);
        break;
      case kind::session: {
        if (!opts.sessions)
          return deny(ex, make_problem(protocol::errc::unauthenticated, "unknown session"));
        auto digest = secrets::token_digest(cred.token);
        opts.sessions->find(
          digest,
          [this, ex, &r, digest,
           trusted = who.trusted_address](std::optional<protocol::account> account) {
            if (!account)
              return deny(ex, make_problem(protocol::errc::unauthenticated,
                                           "unknown, expired or revoked session"));
            caller c;
            c.kind = caller_kind::customer;
            c.trusted_address = trusted;
            c.digest = digest;
            c.account = std::move(*account);
            run(ex, r, std::move(c));
          },
          [ex] {
            ex->respond_problem(make_problem(protocol::errc::storage_unavailable,
                                             "sessions cannot be checked right now"));
          });
        return;
      }
    }
    run(ex, r, std::move(who));
  }

  void deny(const exchange_ptr& ex, const problem& p) {
    door->rejected.Add({{"reason", p.status == 401 ? "unauthenticated" : "forbidden"}}).Increment();
    if (p.status == 401) // a failed authentication costs the address a login token
      door->login_limit.take("a:" + ex->client());
    ex->respond_problem(p);
  }

  void run(const exchange_ptr& ex, const route& r, caller who) {
    if (auto denied = permit(r.who, who))
      return deny(ex, *denied);
    // Per caller, too: a customer, staff token or order token spread over many addresses.
    auto key = !who.digest.empty() ? "c:" + who.digest : who.token.empty() ? "" : "t:" + who.token;
    if (!key.empty() && !within_limit(ex, r, key))
      return;
    ex->identify(std::move(who));
    try {
      r.fn(ex);
    } catch (const std::exception& e) {
      log::error("http.handler_failed").kv("request_id", ex->request_id()).kv("error", e.what());
      ex->respond_problem(make_problem(protocol::errc::internal, "internal error"));
    }
  }

  std::unique_ptr<router_type> build_router() {
    auto router = std::make_unique<router_type>();
    std::vector<std::string> paths; // in first-seen order, for the 405 fallbacks
    for (auto& r : routes) {
      auto id = method_id(r.method);
      if (!id)
        throw std::runtime_error("unsupported method in route table: " + r.method);
      auto names = param_names(r.path);
      auto handle = [this, &r, names](const restinio::request_handle_t& req,
                                      restinio::router::route_params_t params) {
        dispatch(r, names, req, params);
        return restinio::request_accepted();
      };
      router->add_handler(*id, r.path, handle);
      if (r.method == "GET") // HEAD: the GET's status and headers, no body
        router->add_handler(restinio::http_method_head(), r.path, handle);
      if (std::find(paths.begin(), paths.end(), r.path) == paths.end())
        paths.push_back(r.path);
    }
    for (auto& path : paths) {
      restinio::router::dynamic_none_of_methods_matcher_t others;
      std::string allow;
      for (auto& r : routes)
        if (r.path == path) {
          others.add(*method_id(r.method));
          allow += (allow.empty() ? "" : ", ") + r.method;
          if (r.method == "GET") {
            others.add(restinio::http_method_head());
            allow += ", HEAD";
          }
        }
      router->add_handler(
        std::move(others), path, [this, path, allow](const restinio::request_handle_t& req, auto) {
          auto ex = open(req, route_template(path)).first;
          auto p = make_problem(protocol::errc::method_not_allowed, "allowed methods: " + allow);
          p.allow = allow;
          ex->respond_problem(p);
          return restinio::request_accepted();
        });
    }
    router->non_matched_request_handler([this](const restinio::request_handle_t& req) {
      auto ex = open(req, "unmatched").first;
      ex->respond_problem(make_problem(protocol::errc::not_found, "no such resource"));
      return restinio::request_accepted();
    });
    return router;
  }

  /// 501 for a method no route could use, 414 and 431 for what is over the door's own limits.
  static std::optional<problem> beyond_limits(const restinio::request_handle_t& req) {
    auto& h = req->header();
    auto m = h.method();
    if (m != restinio::http_method_get() && m != restinio::http_method_head()
        && m != restinio::http_method_post() && m != restinio::http_method_put()
        && m != restinio::http_method_delete() && m != restinio::http_method_patch()
        && m != restinio::http_method_options()) // OPTIONS: 405 with Allow, or 404
      return make_problem(protocol::errc::not_implemented,
                          std::string{"this server does not implement "} + m.c_str());
    if (h.request_target().size() > request_limits::target)
      return make_problem(protocol::errc::uri_too_long, "the request target is over "
                                                          + std::to_string(request_limits::target)
                                                          + " bytes");
    bool too_large = h.fields_count() > request_limits::field_count;
    h.for_each_field([&](const restinio::http_header_field_t& f) {
      too_large = too_large || f.name().size() > request_limits::field_name
                  || f.value().size() > request_limits::field_value;
    });
    if (too_large)
      return make_problem(protocol::errc::headers_too_large,
                          "at most " + std::to_string(request_limits::field_count)
                            + " header fields, names of "
                            + std::to_string(request_limits::field_name) + " bytes, values of "
                            + std::to_string(request_limits::field_value));
    return std::nullopt;
  }

  /// The express router decodes the path before matching and throws on a malformed %-escape or
  /// one that decodes to invalid UTF-8, and RESTinio answers a throwing handler by closing the
  /// connection: such a path gets its 400 here instead.
  restinio::default_request_handler_t build_handler() {
    std::shared_ptr<router_type> router = build_router();
    return [this, router](const restinio::request_handle_t& req) {
      if (auto refused = beyond_limits(req)) {
        open(req, "invalid").first->respond_problem(*refused);
        return restinio::request_accepted();
      }
      try {
        // What the router's own path normalisation checks first, and throws on.
        (void)restinio::utils::uri_normalization::unreserved_chars::estimate_required_capacity(
          req->header().path());
      } catch (const std::exception&) {
        auto ex = open(req, "invalid").first;
        ex->respond_problem(
          make_problem(protocol::errc::invalid_argument,
                       "the path has a malformed %-escape or is not UTF-8 once decoded"));
        return restinio::request_accepted();
      }
      return (*router)(req);
    };
  }
};

server::server(server_options options, std::vector<route> routes, metrics::hub& metrics)
  : impl_(std::make_unique<impl>()) {
  auto& reg = metrics.registry();
  auto& requests =
    metrics::counters(reg, "agora_http_requests_total",
                      "HTTP requests answered, by route template, method and status");
  auto& latency =
    metrics::histograms(reg, "agora_http_request_duration_seconds",
                        "Time from request arrival to response, by route template and method");
  auto& rejected = metrics::counters(reg, "agora_http_rejected_total",
                                     "Requests refused before their handler, by reason");
  auto& in_flight =
    metrics::gauge(reg, "agora_http_requests_in_flight", "Admitted requests not yet answered");
  // Every known series exists from the start.
  for (auto* reason : {"draining", "overloaded", "unauthenticated", "forbidden", "rate_limited"})
    rejected.Add({{"reason", reason}});
  impl_->door.reset(new door_state{std::move(options), requests, latency, rejected, in_flight});
  impl_->routes = std::move(routes);
}

server::~server() {
  if (impl_->handle)
    stop(std::chrono::milliseconds{0});
}

void server::start() {
  auto& o = impl_->door->options;
  auto settings =
    restinio::server_settings_t<door_traits>{}
      .address(o.address)
      .port(o.port)
      .request_handler(impl_->build_handler())
      .max_parallel_connections(o.max_connections)
      .incoming_http_msg_limits(restinio::incoming_http_msg_limits_t{}
                                  .max_url_size(2 * request_limits::target)
                                  .max_field_name_size(2 * request_limits::field_name)
                                  .max_field_value_size(2 * request_limits::field_value)
                                  .max_field_count(2 * request_limits::field_count)
                                  .max_body_size(hard_body_limit))
      .read_next_http_message_timelimit(o.read_timeout)
      .write_http_response_timelimit(o.write_timeout)
      .handle_request_timeout(o.handle_timeout)
      .acceptor_post_bind_hook([this](asio::ip::tcp::acceptor& acceptor) {
        impl_->bound_port = acceptor.local_endpoint().port();
      });
  try {
    impl_->handle = restinio::run_async(restinio::own_io_context(), std::move(settings), o.threads);
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot serve HTTP on " + o.address + ":" + std::to_string(o.port)
                             + ": " + e.what());
  }
  log::info("http.listening")
    .kv("address", o.address)
    .kv("port", static_cast<unsigned>(impl_->bound_port.load()))
    .kv("threads", o.threads);
}

uint16_t server::port() const {
  return impl_->bound_port;
}

void server::stop(std::chrono::milliseconds drain) {
  auto& door = *impl_->door;
  door.draining = true;
  auto deadline = std::chrono::steady_clock::now() + drain;
  while (door.in_flight.load() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  if (door.in_flight.load() > 0)
    log::warn("http.drain_incomplete").kv("in_flight", door.in_flight.load());
  if (impl_->handle) {
    impl_->handle->stop();
    impl_->handle->wait();
    impl_->handle.reset();
  }
  log::info("http.stopped");
}

} // namespace agora::http
