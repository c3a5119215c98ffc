#pragma once

// Internal to http/: the RESTinio side of an exchange. Included by server.cpp and exchange.cpp
// only, so RESTinio's headers stay out of everything else.

#include "http/exchange.hpp"
#include "http/rate_limit.hpp"
#include "http/server.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <restinio/http_headers.hpp>
#include <restinio/request_handler.hpp>

#include <atomic>

namespace agora::http {

/// State shared by the server and every exchange (which may outlive a request's handler).
struct door_state {
  server_options options;
  prometheus::Family<prometheus::Counter>& requests;
  prometheus::Family<prometheus::Histogram>& latency;
  prometheus::Family<prometheus::Counter>& rejected;
  prometheus::Gauge& in_flight_gauge;
  std::atomic<size_t> in_flight{0};
  std::atomic<bool> draining{false};
  rate_limiter order_limit{options.rate_orders};
  rate_limiter login_limit{options.rate_logins};
  rate_limiter request_limit{options.rate_requests};

  rate_limiter* limiter(limit_class c) {
    switch (c) {
      case limit_class::orders: return &order_limit;
      case limit_class::logins: return &login_limit;
      case limit_class::requests: return &request_limit;
      case limit_class::none: return nullptr;
    }
    return nullptr;
  }
};

struct exchange::impl {
  restinio::request_handle_t req;
  std::shared_ptr<door_state> door;
  std::string route;
  std::string request_id;
  std::string client; ///< the peer's address: the key of per-address rate limits
  std::string trace_id;
  std::string traceparent; ///< the value we answer with
  std::vector<std::pair<std::string, std::string>> params;
  std::vector<std::pair<std::string, std::string>> query;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  bool admitted = false; ///< counted in door->in_flight
  caller who;
  std::atomic<bool> answered{false};
};

} // namespace agora::http
