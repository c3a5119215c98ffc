#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Placement: entity keys hash to a fixed number of shards; shards are leased to nodes. The hash
// is part of the cluster's wire contract (every node must agree), so it is spelled out here rather
// than taken from std::hash, which differs between builds.
namespace agora::cluster {

/// Default number of shards order ids hash to.
constexpr uint32_t default_shard_count = 256;

/// 64-bit FNV-1a of `key`.
uint64_t stable_hash(std::string_view key);

/// The shard of `key` among `shard_count` (> 0) shards.
uint32_t shard_of(std::string_view key, uint32_t shard_count);

struct endpoint {
  std::string host;
  uint16_t port = 0;
};

/// Parses "host:port[,host:port...]" (IPv6 hosts in brackets). Empty input gives an empty list;
/// std::nullopt for anything malformed (empty host, port outside 1..65535).
std::optional<std::vector<endpoint>> parse_endpoints(std::string_view text);

} // namespace agora::cluster
