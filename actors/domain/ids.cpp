#include "actors/domain/ids.hpp"

namespace agora::domain {

namespace {

constexpr std::string_view base32 = "0123456789abcdefghjkmnpqrstvwxyz";
constexpr size_t encoded_size = 26; // ceil(128 / 5)

} // namespace

std::string make_id(std::string_view prefix, const id_bytes& bytes) {
  std::string out;
  out.reserve(prefix.size() + 1 + encoded_size);
  out.append(prefix);
  out += '_';
  // Take the 128 bits five at a time, most significant first; the last group is padded with zeros.
  for (size_t i = 0; i < encoded_size; ++i) {
    size_t bit = i * 5;
    unsigned value = 0;
    for (size_t b = 0; b < 5; ++b, ++bit) {
      value <<= 1;
      if (bit < 128)
        value |= (bytes[bit / 8] >> (7 - bit % 8)) & 1u;
    }
    out += base32[value];
  }
  return out;
}

bool is_well_formed_id(std::string_view prefix, std::string_view text) {
  if (text.size() != prefix.size() + 1 + encoded_size || text.substr(0, prefix.size()) != prefix
      || text[prefix.size()] != '_')
    return false;
  auto body = text.substr(prefix.size() + 1);
  for (char c : body)
    if (base32.find(c) == std::string_view::npos)
      return false;
  // The last character carries 3 payload bits and 2 zero padding bits.
  return (base32.find(body.back()) & 0x3u) == 0;
}

std::string to_hex(const uint8_t* bytes, size_t size) {
  constexpr std::string_view digits = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (size_t i = 0; i < size; ++i) {
    out += digits[bytes[i] >> 4];
    out += digits[bytes[i] & 0xf];
  }
  return out;
}

} // namespace agora::domain
