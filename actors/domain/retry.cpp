#include "actors/domain/retry.hpp"

#include <algorithm>
#include <cstdint>

namespace agora::domain {

std::chrono::milliseconds backoff_delay(int attempt, const retry_policy& policy, double jitter) {
  jitter = std::clamp(jitter, 0.0, 1.0);
  auto full = static_cast<double>(policy.base.count());
  for (int i = 1; i < attempt && full < static_cast<double>(policy.max.count()); ++i)
    full *= 2;
  full = std::min(full, static_cast<double>(policy.max.count()));
  return std::chrono::milliseconds{static_cast<int64_t>(full / 2 + jitter * full / 2)};
}

} // namespace agora::domain
