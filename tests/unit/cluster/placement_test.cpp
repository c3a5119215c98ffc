#include "cluster/placement.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

using namespace agora::cluster;

TEST_CASE("endpoint lists parse host:port pairs", "[placement]") {
  auto eps = parse_endpoints("10.0.0.1:4242,node-b:1,[::1]:65535");
  REQUIRE(eps);
  REQUIRE(eps->size() == 3);
  CHECK((*eps)[0].host == "10.0.0.1");
  CHECK((*eps)[0].port == 4242);
  CHECK((*eps)[1].host == "node-b");
  CHECK((*eps)[2].host == "::1");
  CHECK((*eps)[2].port == 65535);
  CHECK(parse_endpoints("")->empty());
}

TEST_CASE("malformed endpoint lists are refused", "[placement]") {
  for (auto bad : {"host", "host:", ":80", "host:0", "host:65536", "host:80,", "a:1,,b:2", "::1:80",
                   "[::1]80", "host:8x"})
    CHECK_FALSE(parse_endpoints(bad));
}

TEST_CASE("placement gives each node its fair share and every node computes the same map",
          "[placement]") {
  std::vector<std::string> three{"node-a", "node-b", "node-c"};
  auto map = rendezvous_map("orders", 64, three);
  REQUIRE(map.size() == 64);
  // The same candidates in another order give the same map: nodes list members differently.
  CHECK(rendezvous_map("orders", 64, {"node-c", "node-a", "node-b"}) == map);
  std::map<std::string, int> counts;
  for (auto& owner : map)
    ++counts[owner];
  REQUIRE(counts.size() == 3);
  for (auto& [owner, n] : counts)
    CHECK((n >= 20 && n <= 22)); // at most 64 / 3 rounded up, so at least 64 - 2 * 22
  CHECK(rendezvous_map("inventory", 8, {}) == std::vector<std::string>(8));
  CHECK(rendezvous_owner("orders", 0, {}).empty());
}

TEST_CASE("a join moves shards mostly to the joiner, a leave mostly the leaver's", "[placement]") {
  std::vector<std::string> three{"node-a", "node-b", "node-c"};
  auto before = rendezvous_map("orders", 256, three);
  auto four = three;
  four.push_back("node-d");
  auto after = rendezvous_map("orders", 256, four);
  int moved = 0;
  int to_joiner = 0;
  for (size_t s = 0; s < before.size(); ++s)
    if (before[s] != after[s]) {
      ++moved;
      to_joiner += after[s] == "node-d" ? 1 : 0;
    }
  CHECK(to_joiner == 64);      // exactly its share
  CHECK(moved <= 64 + 64 / 4); // and little churn between the nodes that stayed
  auto two = rendezvous_map("orders", 256, {"node-a", "node-c"});
  int kept = 0;
  for (size_t s = 0; s < before.size(); ++s)
    kept += before[s] != "node-b" && two[s] == before[s] ? 1 : 0;
  CHECK(kept >= 256 * 2 / 3 - 256 / 8); // the stayers keep nearly all they had
  // Kinds place independently: the inventory's shard 0 need not sit with the orders' shard 0.
  CHECK(rendezvous_map("inventory", 256, three) != before);
}
