#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Placement: entity keys hash to a fixed number of shards (domain::shard_of); shards are leased
// to nodes. Here: where the nodes are.
namespace agora::cluster {

struct endpoint {
  std::string host;
  uint16_t port = 0;
};

/// Parses "host:port[,host:port...]" (IPv6 hosts in brackets). Empty input gives an empty list;
/// std::nullopt for anything malformed (empty host, port outside 1..65535).
std::optional<std::vector<endpoint>> parse_endpoints(std::string_view text);

} // namespace agora::cluster
