#pragma once

#include "http/exchange.hpp"
#include "http/services.hpp"

#include <vector>

namespace agora::http {

/// /products and /inventory.
std::vector<route> catalog_routes(const services& s);

} // namespace agora::http
