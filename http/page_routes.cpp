#include "http/page_routes.hpp"

#include "http/ops_routes.hpp"

#include <string>
#include <utility>

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

route serve_text(std::string path, std::string body, const char* type) {
  return {"GET",
          std::move(path),
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

route serve(std::string path, const std::string& file, const char* type) {
  return serve_text(std::move(path), std::string{http_asset(file)}, type);
}

/// The shop's document. At /shop itself it also preloads the first catalog page, which the
/// catalog then asks for: the request starts beside the script's instead of after it has run.
std::string shop_page(bool catalog) {
  std::string page{http_asset("shop.html")};
  auto slot = page.find("<!--CATALOG-->");
  if (slot == std::string::npos)
    return page;
  return page.replace(slot, 14,
                      catalog ? "<link rel=\"preload\" href=\"/products?limit=24&amp;offset=0\" "
                                "as=\"fetch\" crossorigin=\"anonymous\">"
                              : "");
}

constexpr const char* html = "text/html; charset=utf-8";
constexpr const char* script = "text/javascript; charset=utf-8";
constexpr const char* style = "text/css; charset=utf-8";

} // namespace

std::vector<route> page_routes() {
  std::vector<route> out;
  out.push_back(serve("/assets/dom.js", "dom.js", script)); // what every page builds with
  for (auto name : {"console", "docs", "shop"}) {
    auto dir = "/" + std::string{name};
    out.push_back(serve(dir + "/app.js", std::string{name} + ".js", script));
    out.push_back(serve(dir + "/app.css", std::string{name} + ".css", style));
  }
  out.push_back(serve("/console", "console.html", html));
  out.push_back(serve_text("/docs", docs_page(), html));
  // The storefront's pages are one document that routes in the browser; each address a shopper
  // may bookmark or open from a mail answers it.
  out.push_back(serve_text("/shop", shop_page(true), html));
  auto page = shop_page(false); // one copy of the document for every other address
  for (auto path : {"/shop/products/:id", "/shop/cart", "/shop/checkout", "/shop/orders",
                    "/shop/orders/:id", "/shop/account"})
    out.push_back(serve_text(path, page, html));
  return out;
}

} // namespace agora::http
