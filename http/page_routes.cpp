#include "http/page_routes.hpp"

#include "http/ops_routes.hpp"

#include <string>

namespace agora::http {

const char* const page_csp =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

namespace {

/// The documentation page with the OpenAPI document inlined as a JSON data block (never run as
/// script), so it renders in one request.
std::string docs_page() {
  std::string html{http_asset("docs.html")};
  std::string doc{openapi_document()};
  for (size_t at = 0; (at = doc.find("</", at)) != std::string::npos; at += 3)
    doc.replace(at, 2, "<\\/"); // a JSON escape that cannot close the script element
  auto slot = html.find("/*OPENAPI*/");
  return slot == std::string::npos ? html : html.replace(slot, 11, doc);
}

route serve_text(const char* path, std::string body, const char* type) {
  return {"GET",
          path,
          [body, type](const exchange_ptr& ex) {
            ex->respond(200, body, type,
                        {{"Content-Security-Policy", page_csp},
                         {"X-Content-Type-Options", "nosniff"},
                         {"X-Frame-Options", "DENY"},
                         {"Referrer-Policy", "no-referrer"},
                         {"Cache-Control", "no-cache"}});
          },
          access::everyone,
          false,
          limit_class::none};
}

route serve(const char* path, const char* file, const char* type) {
  return serve_text(path, std::string{http_asset(file)}, type);
}

constexpr const char* html = "text/html; charset=utf-8";
constexpr const char* script = "text/javascript; charset=utf-8";
constexpr const char* style = "text/css; charset=utf-8";

} // namespace

std::vector<route> page_routes() {
  std::vector<route> out{
    serve("/console", "console.html", html),         serve("/console/app.js", "console.js", script),
    serve("/console/app.css", "console.css", style), serve_text("/docs", docs_page(), html),
    serve("/docs/app.js", "docs.js", script),        serve("/docs/app.css", "docs.css", style),
    serve("/shop/app.js", "shop.js", script),        serve("/shop/app.css", "shop.css", style)};
  // The storefront's pages are one document that routes in the browser; each address a shopper
  // may bookmark or open from a mail answers it.
  for (auto path : {"/shop", "/shop/products/:id", "/shop/cart", "/shop/checkout", "/shop/orders",
                    "/shop/orders/:id", "/shop/account"})
    out.push_back(serve(path, "shop.html", html));
  return out;
}

} // namespace agora::http
