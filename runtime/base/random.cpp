#include "runtime/base/random.hpp"

#include "runtime/base/check.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sys/random.h>

namespace agora {

namespace {

void fill_from_kernel(uint8_t* out, size_t size) {
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

/// Kernel randomness fetched 4 KiB at a time per thread: every id costs a copy, not a syscall
/// (one getrandom per id was ~2 % of the node's CPU under load). Bytes are used once.
struct pool {
  uint8_t bytes[4096];
  size_t used = sizeof(bytes);
};

} // namespace

void random_bytes(uint8_t* out, size_t size) {
  thread_local pool p;
  if (size > sizeof(p.bytes) / 4) {
    fill_from_kernel(out, size);
    return;
  }
  while (size > 0) {
    if (p.used == sizeof(p.bytes)) {
      fill_from_kernel(p.bytes, sizeof(p.bytes));
      p.used = 0;
    }
    auto n = std::min(size, sizeof(p.bytes) - p.used);
    std::memcpy(out, p.bytes + p.used, n);
    std::memset(p.bytes + p.used, 0, n); // a used byte never stays in memory
    p.used += n;
    out += n;
    size -= n;
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
