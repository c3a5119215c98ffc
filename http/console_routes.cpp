#include "http/console_routes.hpp"

#include "http/ops_routes.hpp"

#include <string>

namespace agora::http {

const char* const console_csp =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

namespace {

route serve(const char* path, const char* file, const char* type) {
  auto body = std::string{http_asset(file)};
  return {"GET",
          path,
          [body, type](const exchange_ptr& ex) {
            ex->respond(200, body, type,
                        {{"Content-Security-Policy", console_csp},
                         {"X-Content-Type-Options", "nosniff"},
                         {"X-Frame-Options", "DENY"},
                         {"Referrer-Policy", "no-referrer"},
                         {"Cache-Control", "no-cache"}});
          },
          access::everyone,
          false,
          limit_class::none};
}

} // namespace

std::vector<route> console_routes() {
  return {serve("/console", "console.html", "text/html; charset=utf-8"),
          serve("/console/app.js", "console.js", "text/javascript; charset=utf-8"),
          serve("/console/app.css", "console.css", "text/css; charset=utf-8")};
}

} // namespace agora::http
