#pragma once

#include "http/exchange.hpp"
#include "http/services.hpp"

#include <optional>
#include <string_view>
#include <vector>

namespace agora::http {

/// /orders.
std::vector<route> order_routes(const services& s);

/// /payments, /shipments, /tracking and /notifications.
std::vector<route> fulfilment_routes(const services& s);

/// Seconds asked for with `Prefer: wait=N` (RFC 7240), capped at 30; nullopt when not asked.
std::optional<int> preferred_wait(std::string_view prefer);

} // namespace agora::http
