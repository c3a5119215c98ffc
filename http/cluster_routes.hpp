#pragma once

#include "http/exchange.hpp"
#include "http/services.hpp"

#include <vector>

namespace agora::http {

/// GET /admin/cluster (the members as this node's lease keeper last saw them, each with the
/// shards it owns) and GET /admin/shards?kind (the shard map with epochs), for operators.
std::vector<route> cluster_routes(const services& s);

} // namespace agora::http
