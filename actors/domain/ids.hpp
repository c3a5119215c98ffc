#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

// Opaque, unguessable identifiers. The caller supplies the random bytes (domain code does no I/O);
// runtime/base/random.hpp draws them from the kernel's CSPRNG.
namespace agora::domain {

/// 128 random bits: the contract asks for at least 122.
using id_bytes = std::array<uint8_t, 16>;

/// `prefix` + "_" + 26 characters of Crockford base32 (lower case), e.g.
/// "ord_7k2q9x4m0v8r3t6w1y5z2b4c6d".
std::string make_id(std::string_view prefix, const id_bytes& bytes);

/// True for exactly what make_id produces with this prefix.
bool is_well_formed_id(std::string_view prefix, std::string_view text);

/// 32 lower-case hex characters; used for request and trace ids.
std::string to_hex(const uint8_t* bytes, size_t size);

} // namespace agora::domain
