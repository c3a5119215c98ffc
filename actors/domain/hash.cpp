#include "actors/domain/hash.hpp"

namespace agora::domain {

std::string stable_hash_hex(std::string_view text) {
  static constexpr char digits[] = "0123456789abcdef";
  auto h = stable_hash(text);
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, h >>= 4)
    out[static_cast<size_t>(i)] = digits[h & 0xf];
  return out;
}

} // namespace agora::domain
