#include "http/account_routes.hpp"
#include "http/admin_routes.hpp"
#include "http/catalog_routes.hpp"
#include "http/cluster_routes.hpp"
#include "http/ops_routes.hpp"
#include "http/order_routes.hpp"
#include "http/page_routes.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cctype>
#include <fstream>
#include <set>

// The rule declared next to each route is the one /openapi.json documents: a route added
// without its operation (or with another rule) fails here, and so does an operation no route
// serves.

using namespace agora::http;

TEST_CASE("every route's access rule is the one /openapi.json declares, and nothing else is",
          "[auth][openapi]") {
  std::ifstream file{std::string{AGORA_SOURCE_DIR} + "/http/assets/openapi.json"};
  REQUIRE(file);
  auto doc = nlohmann::json::parse(file);
  services s;
  std::vector<route> all;
  for (auto part : {ops_routes(s), cluster_routes(s), catalog_routes(s), order_routes(s),
                    account_routes(s), fulfilment_routes(s), admin_routes(s), page_routes()})
    all.insert(all.end(), part.begin(), part.end());
  std::set<std::string> served;
  for (auto& r : all) {
    auto path = route_template(r.path);
    std::string method;
    for (char c : r.method)
      method += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    INFO(r.method << " " << path);
    served.insert(method + " " + path);
    REQUIRE(doc["paths"].contains(path));
    REQUIRE(doc["paths"][path].contains(method));
    auto& op = doc["paths"][path][method];
    CHECK(op.value("x-agora-access", "") == std::string{to_string(r.who)});
    // The security requirement says the same: none only where anyone may call.
    CHECK(op["security"].empty() == (r.who == access::everyone));
    CHECK(op["responses"].contains("429") == (r.limit != limit_class::none));
  }
  for (auto& [path, ops] : doc["paths"].items())
    for (auto& [method, op] : ops.items()) {
      INFO(method << " " << path);
      CHECK(served.count(method + " " + path) == 1);
    }
}
