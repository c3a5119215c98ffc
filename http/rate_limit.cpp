#include "http/rate_limit.hpp"

#include <algorithm>
#include <charconv>
#include <functional>

namespace agora::http {

std::optional<rate> parse_rate(std::string_view text, std::string& error) {
  if (text == "off")
    return rate{};
  auto slash = text.find('/');
  auto colon = text.find(':');
  if (slash == std::string_view::npos) {
    error = "expected N/s, N/min or N/h, optionally :burst, or off";
    return std::nullopt;
  }
  auto number = [](std::string_view s, double& out) {
    long long n = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    out = static_cast<double>(n);
    return ec == std::errc{} && end == s.data() + s.size() && n > 0 && n <= 10000000;
  };
  double count = 0, burst = 0;
  auto unit =
    text.substr(slash + 1, colon == std::string_view::npos ? text.npos : colon - slash - 1);
  double seconds = unit == "s" ? 1 : unit == "min" ? 60 : unit == "h" ? 3600 : 0;
  if (!number(text.substr(0, slash), count) || seconds == 0
      || (colon != std::string_view::npos && !number(text.substr(colon + 1), burst))) {
    error = "expected N/s, N/min or N/h with N > 0, optionally :burst, or off";
    return std::nullopt;
  }
  return rate{count / seconds, colon == std::string_view::npos ? std::max(count, 1.0) : burst};
}

rate_limiter::rate_limiter(rate r, size_t max_keys)
  : rate_(r), max_per_shard_(std::max<size_t>(1, max_keys / 16)) {}

rate_limiter::bucket& rate_limiter::refill(shard& s, const std::string& key,
                                           clock::time_point now) {
  auto [it, fresh] = s.buckets.try_emplace(key, bucket{rate_.burst, now});
  auto& b = it->second;
  if (!fresh) {
    std::chrono::duration<double> gone = now - b.at;
    b.tokens = std::min(rate_.burst, b.tokens + std::max(0.0, gone.count()) * rate_.per_second);
    b.at = now;
  } else if (s.buckets.size() > max_per_shard_) {
    trim(s, now);
    return s.buckets.try_emplace(key, bucket{rate_.burst, now}).first->second;
  }
  return b;
}

void rate_limiter::trim(shard& s, clock::time_point now) {
  // A bucket that would be full again forgets nothing by being dropped.
  for (auto i = s.buckets.begin(); i != s.buckets.end();) {
    std::chrono::duration<double> gone = now - i->second.at;
    if (i->second.tokens + gone.count() * rate_.per_second >= rate_.burst)
      i = s.buckets.erase(i);
    else
      ++i;
  }
  if (s.buckets.size() > max_per_shard_) // all busy: memory wins over exactness
    s.buckets.clear();
}

double rate_limiter::take(const std::string& key, clock::time_point now) {
  if (!rate_.limited())
    return 0;
  auto& s = shards_[std::hash<std::string>{}(key) % shards_.size()];
  std::lock_guard<std::mutex> guard{s.mutex};
  auto& b = refill(s, key, now);
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return 0;
  }
  return (1 - b.tokens) / rate_.per_second;
}

double rate_limiter::wait(const std::string& key, clock::time_point now) {
  if (!rate_.limited())
    return 0;
  auto& s = shards_[std::hash<std::string>{}(key) % shards_.size()];
  std::lock_guard<std::mutex> guard{s.mutex};
  auto i = s.buckets.find(key);
  if (i == s.buckets.end())
    return 0;
  auto& b = refill(s, key, now);
  return b.tokens >= 1 ? 0 : (1 - b.tokens) / rate_.per_second;
}

} // namespace agora::http
