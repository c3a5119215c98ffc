#include "actors/domain/hash.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace agora::domain;

TEST_CASE("the shard hash is FNV-1a and does not change between builds", "[hash]") {
  CHECK(stable_hash("") == 14695981039346656037ULL);
  CHECK(stable_hash("a") == 0xaf63dc4c8601ec8cULL);
  CHECK(stable_hash_hex("a") == "af63dc4c8601ec8c");
  CHECK(stable_hash_hex("") == "cbf29ce484222325");
  CHECK(shard_of("ord_00000000000000000000000000", 256)
        == stable_hash("ord_00000000000000000000000000") % 256);
}

TEST_CASE("keys spread over all shards", "[hash]") {
  std::vector<int> hits(16, 0);
  for (int i = 0; i < 16000; ++i)
    ++hits[shard_of("order-" + std::to_string(i), 16)];
  for (int h : hits) {
    CHECK(h > 800);
    CHECK(h < 1200);
  }
}
