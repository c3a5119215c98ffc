#pragma once

#include "http/exchange.hpp"
#include "http/services.hpp"

#include <string>
#include <vector>

namespace agora::http {

/// /customers and /sessions: sign up, sign in, sign out, the signed-in account.
std::vector<route> account_routes(const services& s);

} // namespace agora::http
