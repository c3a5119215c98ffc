#pragma once

#include "http/exchange.hpp"
#include "http/services.hpp"

#include <string_view>
#include <vector>

namespace agora::http {

/// /healthz, /readyz, /metrics, /openapi.json and /admin/log-level.
std::vector<route> ops_routes(const services& s);

/// The OpenAPI document served on /openapi.json (compiled in from http/assets/openapi.json).
std::string_view openapi_document();

/// A file of http/assets/ as compiled into the binary; empty when there is none of that name.
std::string_view http_asset(std::string_view name);

} // namespace agora::http
