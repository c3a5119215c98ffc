#include "cluster/placement.hpp"

#include <catch2/catch.hpp>

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
