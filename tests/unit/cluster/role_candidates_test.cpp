#include "cluster/lease_keeper.hpp"

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

} // namespace

TEST_CASE("a role is looked for on the live members serving it", "[placement][roles]") {
  std::vector<protocol::member> members{member("shop", 1, "frontdoor,orders,inventory"), // me
                                        member("pay-1", 2, "payment,shipping", false),   // down
                                        member("pay-2", 3, "payment,shipping"), // a candidate
                                        member("ship", 4, "shipping"),          // not payment
                                        member("pay-3", 5, "payment"),          // a candidate
                                        member("pay-4", 0, "payment")};         // publishes nothing
  auto found = role_candidates(members, domain::node_role::payment, "shop");
  CHECK(std::set<std::string>(found.begin(), found.end())
        == std::set<std::string>{"pay-2", "pay-3"});
  CHECK(role_candidates(members, domain::node_role::shipping, "shop").size() == 2);
  CHECK(role_candidates(members, domain::node_role::payment, "pay-2")
        == std::vector<std::string>{"pay-3"}); // not itself
}

TEST_CASE("callers spread over a role's members: each tries them in its own order",
          "[placement][roles]") {
  std::vector<protocol::member> members;
  for (uint16_t p = 1; p <= 4; ++p)
    members.push_back(member("pay-" + std::to_string(p), p, "payment"));
  std::set<std::string> firsts;
  for (int caller = 0; caller < 40; ++caller) {
    auto me = "shop-" + std::to_string(caller);
    auto order = role_candidates(members, domain::node_role::payment, me);
    REQUIRE(order.size() == 4);
    CHECK(order == role_candidates(members, domain::node_role::payment, me)); // stable
    firsts.insert(order.front());
  }
  CHECK(firsts.size() >= 3); // not every caller on the same node
}

TEST_CASE("of two members the newer one dials the older, once, and a tie goes by id",
          "[placement][roles]") {
  protocol::cluster_state seen;
  auto at = [](protocol::member m, int64_t joined) {
    m.joined_at_ms = joined;
    return m;
  };
  seen.members = {at(member("a", 1, "orders"), 100), at(member("b", 2, "orders"), 200),
                  at(member("c", 3, "payment"), 200), at(member("d", 0, "orders"), 50)};
  auto &a = seen.members[0], &b = seen.members[1], &c = seen.members[2], &d = seen.members[3];
  CHECK(dials(seen, b, a));  // b joined later
  CHECK(!dials(seen, a, b)); // a waits for b's introduction
  CHECK(dials(seen, c, b));  // same moment: the higher id dials
  CHECK(!dials(seen, b, c));
  CHECK(dials(seen, d, a)); // d has no cluster port: nobody can dial it, it dials everyone
  CHECK(!dials(seen, a, d));
  for (auto* x : {&a, &b, &c})
    for (auto* y : {&a, &b, &c})
      if (x != y)
        CHECK(dials(seen, *x, *y) != dials(seen, *y, *x)); // exactly one side of each pair
}
