#include "cluster/placement.hpp"

#include <catch2/catch.hpp>

#include <vector>

using namespace agora::cluster;

TEST_CASE("the shard hash is FNV-1a and does not change between builds", "[placement]") {
  CHECK(stable_hash("") == 14695981039346656037ULL);
  CHECK(stable_hash("a") == 0xaf63dc4c8601ec8cULL);
  CHECK(shard_of("ord_00000000000000000000000000", 256)
        == stable_hash("ord_00000000000000000000000000") % 256);
}

TEST_CASE("keys spread over all shards", "[placement]") {
  std::vector<int> hits(16, 0);
  for (int i = 0; i < 16000; ++i)
    ++hits[shard_of("order-" + std::to_string(i), 16)];
  for (int h : hits) {
    CHECK(h > 800);
    CHECK(h < 1200);
  }
}

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
