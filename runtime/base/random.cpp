#include "runtime/base/random.hpp"

#include "runtime/base/check.hpp"

#include <cerrno>
#include <sys/random.h>

namespace agora {

void random_bytes(uint8_t* out, size_t size) {
  while (size > 0) {
    auto n = ::getrandom(out, size, 0);
    if (n < 0) {
      AGORA_CHECK_MSG(errno == EINTR, "getrandom failed");
      continue;
    }
    out += n;
    size -= static_cast<size_t>(n);
  }
}

std::string new_id(std::string_view prefix) {
  domain::id_bytes bytes;
  random_bytes(bytes.data(), bytes.size());
  return domain::make_id(prefix, bytes);
}

std::string random_hex(size_t bytes) {
  uint8_t buf[64];
  AGORA_CHECK(bytes <= sizeof(buf));
  random_bytes(buf, bytes);
  return domain::to_hex(buf, bytes);
}

} // namespace agora
