#pragma once

#include "actors/protocol/health.hpp"
#include "http/exchange.hpp"

#include <chrono>
#include <vector>

namespace caf {
class actor_system;
}

namespace agora::metrics {
class hub;
}

namespace agora::http {

struct ops_services {
  caf::actor_system* sys = nullptr;
  protocol::health_actor health;
  metrics::hub* metrics = nullptr;
  std::chrono::milliseconds ask_timeout{2000};
};

/// /healthz, /readyz, /metrics, /openapi.json and /admin/log-level.
std::vector<route> ops_routes(ops_services services);

/// The OpenAPI document served on /openapi.json (compiled in from http/assets/openapi.json).
std::string_view openapi_document();

} // namespace agora::http
