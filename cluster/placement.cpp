#include "cluster/placement.hpp"

#include <algorithm>
#include <charconv>

namespace agora::cluster {

namespace {

std::optional<endpoint> parse_one(std::string_view item) {
  endpoint ep;
  std::string_view port;
  if (!item.empty() && item.front() == '[') {
    auto close = item.find(']');
    if (close == std::string_view::npos || close + 1 >= item.size() || item[close + 1] != ':')
      return std::nullopt;
    ep.host = std::string{item.substr(1, close - 1)};
    port = item.substr(close + 2);
  } else {
    auto colon = item.rfind(':');
    if (colon == std::string_view::npos || item.find(':') != colon)
      return std::nullopt;
    ep.host = std::string{item.substr(0, colon)};
    port = item.substr(colon + 1);
  }
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ep.host.empty() || ec != std::errc{} || end != port.data() + port.size() || value == 0
      || value > 65535)
    return std::nullopt;
  ep.port = static_cast<uint16_t>(value);
  return ep;
}

} // namespace

std::optional<std::vector<endpoint>> parse_endpoints(std::string_view text) {
  std::vector<endpoint> out;
  while (!text.empty()) {
    auto comma = text.find(',');
    auto item = text.substr(0, comma);
    auto ep = parse_one(item);
    if (!ep)
      return std::nullopt;
    out.push_back(std::move(*ep));
    if (comma == std::string_view::npos)
      break;
    text.remove_prefix(comma + 1);
    if (text.empty())
      return std::nullopt; // trailing comma
  }
  return out;
}

} // namespace agora::cluster

namespace agora::cluster {

namespace {

constexpr uint64_t fnv1a(std::string_view text, uint64_t h = 14695981039346656037ULL) {
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

/// splitmix64's finaliser: FNV alone leaves neighbouring shards' weights correlated.
constexpr uint64_t mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

} // namespace

std::string rendezvous_owner(std::string_view kind, uint32_t shard,
                             const std::vector<std::string>& candidates) {
  auto key = mix(fnv1a(kind) + shard);
  const std::string* best = nullptr;
  uint64_t best_weight = 0;
  for (auto& c : candidates) {
    auto w = mix(fnv1a(c) ^ key);
    if (!best || w > best_weight || (w == best_weight && c < *best)) {
      best = &c;
      best_weight = w;
    }
  }
  return best ? *best : std::string{};
}

std::vector<std::string> rendezvous_order(std::string_view key,
                                          std::vector<std::string> candidates) {
  auto k = mix(fnv1a(key));
  std::sort(candidates.begin(), candidates.end(), [&](auto& x, auto& y) {
    auto wx = mix(fnv1a(x) ^ k);
    auto wy = mix(fnv1a(y) ^ k);
    return wx != wy ? wx > wy : x < y;
  });
  return candidates;
}

std::vector<std::string> rendezvous_map(std::string_view kind, uint32_t shards,
                                        const std::vector<std::string>& candidates) {
  std::vector<std::string> out(shards);
  if (candidates.empty())
    return out;
  // Each candidate takes at most its fair share (rounded up), so loads differ by one at most;
  // a shard whose first choice is full goes to its next. Shards decide in order, so every node
  // that sees the same candidates computes the same map.
  auto sorted = candidates;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  auto cap = (shards + sorted.size() - 1) / sorted.size();
  std::vector<size_t> load(sorted.size());
  std::vector<std::pair<uint64_t, size_t>> ranked(sorted.size());
  for (uint32_t s = 0; s < shards; ++s) {
    auto key = mix(fnv1a(kind) + s);
    for (size_t i = 0; i < sorted.size(); ++i)
      ranked[i] = {mix(fnv1a(sorted[i]) ^ key), i};
    std::sort(ranked.begin(), ranked.end(), [](auto& x, auto& y) {
      return x.first != y.first ? x.first > y.first : x.second < y.second;
    });
    for (auto& [weight, i] : ranked)
      if (load[i] < cap) {
        ++load[i];
        out[s] = sorted[i];
        break;
      }
  }
  return out;
}

} // namespace agora::cluster
