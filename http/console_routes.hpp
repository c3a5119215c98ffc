#pragma once

#include "http/exchange.hpp"

#include <vector>

namespace agora::http {

/// GET /console, /console/app.js and /console/app.css: the introspection console, compiled into
/// the binary. The page holds no data (it signs in with a staff token and asks the /admin
/// endpoints with it), so anyone may load it; it is served under a CSP that allows only its own
/// script, style and requests.
std::vector<route> console_routes();

/// The Content-Security-Policy the console page is served with.
extern const char* const console_csp;

} // namespace agora::http
