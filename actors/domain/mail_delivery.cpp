#include "actors/domain/mail_delivery.hpp"

namespace agora::domain {

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
