#include "actors/domain/ids.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace agora::domain;

TEST_CASE("an id is the prefix and 26 base32 characters carrying all 128 bits", "[ids]") {
  id_bytes zeros{};
  CHECK(make_id("ord", zeros) == "ord_00000000000000000000000000");
  id_bytes ones;
  ones.fill(0xff);
  // 128 one-bits, padded with two zero bits: the last character is 0b11100 = 28 = 'w'.
  CHECK(make_id("ord", ones) == "ord_zzzzzzzzzzzzzzzzzzzzzzzzzw");
}

TEST_CASE("distinct bytes give distinct ids", "[ids]") {
  std::set<std::string> seen;
  for (int bit = 0; bit < 128; ++bit) {
    id_bytes b{};
    b[bit / 8] = static_cast<uint8_t>(0x80 >> (bit % 8));
    seen.insert(make_id("x", b));
  }
  CHECK(seen.size() == 128);
}

TEST_CASE("only what make_id produces is a well-formed id", "[ids]") {
  id_bytes b;
  for (size_t i = 0; i < b.size(); ++i)
    b[i] = static_cast<uint8_t>(i * 37 + 11);
  auto id = make_id("pay", b);
  CHECK(is_well_formed_id("pay", id));
  CHECK_FALSE(is_well_formed_id("ord", id));
  CHECK_FALSE(is_well_formed_id("pay", id.substr(0, id.size() - 1)));
  CHECK_FALSE(is_well_formed_id("pay", id + "0"));
  auto upper = id;
  upper[5] = 'A';
  CHECK_FALSE(is_well_formed_id("pay", upper));
  auto padded = id;
  padded.back() = '1'; // sets a padding bit
  CHECK_FALSE(is_well_formed_id("pay", padded));
  CHECK_FALSE(is_well_formed_id("pay", "pay_../../etc/passwd"));
}

TEST_CASE("bytes render as lower-case hex", "[ids]") {
  uint8_t bytes[] = {0x00, 0x0f, 0xa5, 0xff};
  CHECK(to_hex(bytes, 4) == "000fa5ff");
}
