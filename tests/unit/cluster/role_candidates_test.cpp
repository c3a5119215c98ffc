#include "cluster/role_proxy.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

using namespace agora;
using namespace agora::cluster;

namespace {

protocol::member member(const std::string& id, uint16_t port, const std::string& roles,
                        bool live = true) {
  protocol::member m;
  m.id = id;
  m.cluster_host = "127.0.0.1";
  m.cluster_port = port;
  m.roles = roles;
  m.live = live;
  return m;
}

std::vector<uint16_t> ports(const std::vector<endpoint>& eps) {
  std::vector<uint16_t> out;
  for (auto& e : eps)
    out.push_back(e.port);
  return out;
}

} // namespace

TEST_CASE("a role is looked for on the live members serving it, then on the seeds",
          "[placement][roles]") {
  std::vector<protocol::member> members{member("shop", 1, "frontdoor,orders,inventory"), // me
                                        member("pay-1", 2, "payment,shipping", false),   // down
                                        member("pay-2", 3, "payment,shipping"), // a candidate
                                        member("ship", 4, "shipping"),          // not payment
                                        member("pay-3", 5, "payment"),          // a candidate
                                        member("pay-4", 0, "payment")};         // publishes nothing
  std::vector<endpoint> seeds{{"127.0.0.1", 2}};
  auto found = ports(role_candidates(members, domain::node_role::payment, "shop", seeds));
  REQUIRE(found.size() == 3);
  CHECK(std::set<uint16_t>(found.begin(), found.begin() + 2) == std::set<uint16_t>{3, 5});
  CHECK(found.back() == 2); // the seed last
  CHECK(ports(role_candidates(members, domain::node_role::shipping, "shop", {})).size() == 2);
}

TEST_CASE("callers spread over a role's members: each tries them in its own order",
          "[placement][roles]") {
  std::vector<protocol::member> members;
  for (uint16_t p = 1; p <= 4; ++p)
    members.push_back(member("pay-" + std::to_string(p), p, "payment"));
  std::set<uint16_t> firsts;
  for (int caller = 0; caller < 40; ++caller) {
    auto me = "shop-" + std::to_string(caller);
    auto order = ports(role_candidates(members, domain::node_role::payment, me, {}));
    REQUIRE(order.size() == 4);
    CHECK(order == ports(role_candidates(members, domain::node_role::payment, me, {}))); // stable
    firsts.insert(order.front());
  }
  CHECK(firsts.size() >= 3); // not every caller on the same node
}
