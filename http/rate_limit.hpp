#pragma once

#include <array>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

// Token buckets for the door's rate limits: per client address and per account or token, one
// limiter per class of request. In memory, per node: a cluster of N nodes admits up to N times
// a limit from a client that spreads its requests over them.
namespace agora::http {

/// A sustained rate and a burst: `per_second` tokens refill each second up to `burst`.
struct rate {
  double per_second = 0; ///< 0: unlimited
  double burst = 0;

  bool limited() const {
    return per_second > 0;
  }
};

/// "20/min", "2/s:20" (burst 20; default: the per-unit count, at least 1), "off". nullopt and
/// `error` set when malformed.
std::optional<rate> parse_rate(std::string_view text, std::string& error);

class rate_limiter {
 public:
  using clock = std::chrono::steady_clock;

  /// At most `max_keys` buckets are kept; full buckets (idle keys) go first.
  explicit rate_limiter(rate r, size_t max_keys = 200000);

  /// Takes a token from `key`'s bucket: 0 when there was one, else the seconds until there is.
  double take(const std::string& key, clock::time_point now = clock::now());

  /// The seconds until `key`'s bucket has a token (0: it has one now); takes nothing.
  double wait(const std::string& key, clock::time_point now = clock::now());

  bool limited() const {
    return rate_.limited();
  }

 private:
  struct bucket {
    double tokens;
    clock::time_point at;
  };
  struct shard {
    std::mutex mutex;
    std::unordered_map<std::string, bucket> buckets;
  };

  bucket& refill(shard& s, const std::string& key, clock::time_point now);
  void trim(shard& s, clock::time_point now);

  rate rate_;
  size_t max_per_shard_;
  std::array<shard, 16> shards_;
};

} // namespace agora::http
