#pragma once

#include <cstdint>
#include <string>
#include <string_view>

// The one hash of agora: 64-bit FNV-1a. It places keys on shards (every node must agree, so it is
// spelled out rather than taken from std::hash, which differs between builds), and fingerprints
// text (migrations, request bodies, mail boundaries). It detects change, not an attacker.
namespace agora::domain {

/// 64-bit FNV-1a of `key`.
constexpr uint64_t stable_hash(std::string_view key) {
  uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : key) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

/// stable_hash() as 16 lower-case hex digits.
std::string stable_hash_hex(std::string_view text);

/// The shard of `key` among `shard_count` (> 0) shards.
constexpr uint32_t shard_of(std::string_view key, uint32_t shard_count) {
  return static_cast<uint32_t>(stable_hash(key) % shard_count);
}

} // namespace agora::domain
