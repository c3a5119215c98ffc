#pragma once

#include "http/caller.hpp"
#include "http/problem.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// One HTTP request and its (single) response, independent of RESTinio so that handlers and the
// actor bridge compile without it. A handler may answer at once or keep the exchange (it is a
// shared_ptr) and answer later from any thread; the first respond() wins, later ones are ignored.
namespace agora::http {

struct route_info;
struct door_state;

using header_list = std::vector<std::pair<std::string, std::string>>;

class exchange {
 public:
  struct impl;
  explicit exchange(std::unique_ptr<impl> p);
  ~exchange();

  exchange(const exchange&) = delete;
  exchange& operator=(const exchange&) = delete;

  std::string_view method() const;
  std::string_view path() const;
  std::string_view body() const;
  /// The route template that matched, e.g. "/orders/{id}"; "unmatched" for 404s.
  const std::string& route() const;
  const std::string& request_id() const;
  const std::string& trace_id() const;
  /// The client's address (the TCP peer).
  const std::string& client() const;

  std::optional<std::string_view> header(std::string_view name) const;
  /// A named route parameter (":id" in the template); empty when absent.
  std::string_view param(std::string_view name) const;
  /// Decoded query parameters; a malformed query string was answered with 400 before the handler.
  std::optional<std::string> query(std::string_view name) const;

  /// Answers the request. Thread-safe; only the first call has an effect.
  void respond(int status, std::string body, std::string_view content_type = "application/json",
               header_list extra = {});
  void respond_problem(const problem& p);

  /// Who calls (resolved before the handler runs).
  const caller& who() const;
  void identify(caller c);

  bool responded() const;
  std::chrono::steady_clock::time_point started() const;

 private:
  std::unique_ptr<impl> impl_;
};

using exchange_ptr = std::shared_ptr<exchange>;
using handler = std::function<void(const exchange_ptr&)>;

/// Who may call a route (the contract's "Who may do what"). A credential that is sent must be
/// valid on every route: a malformed, unknown, expired or revoked one is a 401.
enum class access {
  everyone,     ///< anyone, anonymous included
  order_holder, ///< a customer, staff, or a guest with an order's access token; the handler checks
                ///< that the resource belongs to the caller (else 404)
  customer,     ///< a customer session (their own resources) or staff (all)
  account,      ///< a customer session only (staff have no account: 403)
  operator_role,
  admin_role,
  metrics_reader, ///< staff from anywhere, anyone from an address in --metrics-allow
};

/// "everyone", "order_holder", "customer", "account", "operator", "admin": how /openapi.json
/// names the rule (`x-agora-access` on each operation).
std::string_view to_string(access rule);

/// Which rate limit a route counts against (see --rate-orders, --rate-logins, --rate-requests).
enum class limit_class {
  none,     ///< health, readiness, metrics: never limited
  requests, ///< everything else
  orders,   ///< placing an order
  logins,   ///< signing up or in; failed authentications count here too
};

/// One endpoint. `path` uses the express syntax ("/orders/:id").
struct route {
  std::string method; ///< "GET", "POST", "PUT", "DELETE"
  std::string path;
  handler fn;
  access who = access::everyone;
  bool admitted = true; ///< counts against the in-flight limit (false for health and metrics)
  limit_class limit = limit_class::requests;
};

/// "/orders/:id" → "/orders/{id}" (the metrics label and the OpenAPI spelling).
std::string route_template(std::string_view express_path);

} // namespace agora::http
