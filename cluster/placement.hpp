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

namespace agora::cluster {

/// Rendezvous (highest random weight) placement: the owner of `shard` of `kind` is the candidate
/// (a member id) with the highest weight of (kind, shard, candidate), so every node computes the
/// same owner from the same candidates, and a join or a leave moves only the shards the joiner
/// wins or the leaver held. Empty when there are no candidates.
std::string rendezvous_owner(std::string_view kind, uint32_t shard,
                             const std::vector<std::string>& candidates);

/// The candidates by their rendezvous weight for `key`, highest first: each key its own order of
/// the same candidates (a caller's preference among the nodes serving a role).
std::vector<std::string> rendezvous_order(std::string_view key,
                                          std::vector<std::string> candidates);

/// The owner of every shard 0 .. shards - 1: rendezvous with bounded loads, so each candidate
/// owns its fair share (shards / candidates, rounded up or down) and a join or a leave moves
/// few shards besides the joiner's or the leaver's.
std::vector<std::string> rendezvous_map(std::string_view kind, uint32_t shards,
                                        const std::vector<std::string>& candidates);

} // namespace agora::cluster
