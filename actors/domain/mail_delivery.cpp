#include "actors/domain/mail_delivery.hpp"

#include <algorithm>

namespace agora::domain {

std::chrono::milliseconds backoff_delay(int attempt, const retry_policy& policy, double jitter) {
  jitter = std::clamp(jitter, 0.0, 1.0);
  auto full = static_cast<double>(policy.base.count());
  for (int i = 1; i < attempt && full < static_cast<double>(policy.max.count()); ++i)
    full *= 2;
  full = std::min(full, static_cast<double>(policy.max.count()));
  return std::chrono::milliseconds{static_cast<int64_t>(full / 2 + jitter * full / 2)};
}

delivery_decision decide_delivery(delivery_outcome outcome, int attempt, const retry_policy& policy,
                                  double jitter) {
  switch (outcome) {
    case delivery_outcome::sent: return {delivery_action::mark_sent, {}};
    case delivery_outcome::unavailable:
      return {delivery_action::defer, backoff_delay(1, policy, jitter)};
    case delivery_outcome::transient:
    case delivery_outcome::rejected: break;
  }
  if (attempt >= policy.max_attempts)
    return {delivery_action::mark_failed, {}};
  return {delivery_action::retry, backoff_delay(attempt, policy, jitter)};
}

} // namespace agora::domain
