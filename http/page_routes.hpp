#pragma once

#include "http/exchange.hpp"

#include <vector>

namespace agora::http {

/// The web pages compiled into the binary, each with its one script and style sheet:
/// - /console: the introspection console (signs in with a staff token, asks /admin/...);
/// - /shop and its pages: the storefront, on the public API only;
/// - /docs: the API reference over /openapi.json, with "try it out".
/// The pages hold no data (every value comes from the API under the caller's own credentials), so
/// anyone may load them; they are served under `page_csp`, which allows only their own script,
/// style and requests.
std::vector<route> page_routes();

/// The Content-Security-Policy the pages are served with.
extern const char* const page_csp;

} // namespace agora::http
