#pragma once

#include "actors/domain/ids.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace agora {

/// Fills `out` from the kernel's CSPRNG (getrandom(2)); never fails short.
void random_bytes(uint8_t* out, size_t size);

/// A fresh opaque id, e.g. new_id("ord").
std::string new_id(std::string_view prefix);

/// `bytes` random bytes as lower-case hex.
std::string random_hex(size_t bytes);

} // namespace agora
