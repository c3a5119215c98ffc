#pragma once

#include "http/exchange.hpp"
#include "http/rate_limit.hpp"
#include "http/request_context.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace agora::metrics {
class hub;
}

namespace agora::http {

struct server_options {
  std::string address = "127.0.0.1";
  uint16_t port = 8080; ///< 0 picks a free port; port() tells which
  size_t threads = 2;   ///< RESTinio I/O threads
  size_t max_connections = 1024;
  size_t max_in_flight = 4096;           ///< admitted requests not yet answered; beyond: 503
  size_t max_body_bytes = 64 * 1024;     ///< larger bodies: 413
  std::chrono::seconds read_timeout{10}; ///< a whole request (headers and body) must arrive by then
  std::chrono::seconds write_timeout{10};
  std::chrono::seconds handle_timeout{40};         ///< above the longest Prefer: wait
  std::chrono::milliseconds request_timeout{5000}; ///< a handler's wait for an actor's answer
  std::map<std::string, std::string> tokens;       ///< bearer token → role ("admin", "operator")
  std::shared_ptr<session_lookup> sessions;
  std::vector<address_range> metrics_allow; ///< may read /metrics without a staff token
  rate rate_orders{2, 20};                  ///< POST /orders, per address and per caller
  rate rate_logins{10.0 / 60, 10}; ///< sign-ups, sign-ins and failed authentications, per address
  rate rate_requests{50, 100};     ///< every other request, per address and per caller        ///<
                                   ///< customer sessions; none: every "ses_" is 401
};

/// The front door: RESTinio on a few I/O threads, the routes given, and around every handler the
/// shared rules (request id, traceparent, admission, auth, query and body checks, problem+json,
/// metrics, one log line per request).
class server {
 public:
  server(server_options options, std::vector<route> routes, metrics::hub& metrics);
  ~server();

  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// Binds and starts serving; throws std::runtime_error (one line) when it cannot.
  void start();

  /// The port actually bound.
  uint16_t port() const;

  /// Stops admitting (new requests get 503), waits up to `drain` for answered in-flight requests,
  /// then closes every connection and joins the I/O threads.
  void stop(std::chrono::milliseconds drain);

  struct impl;

 private:
  std::unique_ptr<impl> impl_;
};

/// Largest body RESTinio reads at all: bigger requests lose their connection instead of a 413.
constexpr size_t hard_body_limit = 1024 * 1024;

/// What the door answers itself (414, 431) and, twice as large, what RESTinio's parser reads at
/// all (beyond it the connection is dropped without an answer).
struct request_limits {
  static constexpr size_t target = 8 * 1024;      ///< request target (path and query): 414
  static constexpr size_t field_count = 100;      ///< header fields: 431
  static constexpr size_t field_name = 256;       ///< one header name: 431
  static constexpr size_t field_value = 8 * 1024; ///< one header value: 431
};

} // namespace agora::http
