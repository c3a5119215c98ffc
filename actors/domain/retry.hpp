#pragma once

#include <chrono>

// Retries with exponential backoff: one policy type and one formula for every retrying thing
// (mail delivery, an order's saga steps).
namespace agora::domain {

struct retry_policy {
  int max_attempts = 8;                          ///< attempts before giving up
  std::chrono::milliseconds base{2000};          ///< delay after the first failed attempt
  std::chrono::milliseconds max{10 * 60 * 1000}; ///< cap of the exponential delay
};

/// Exponential backoff with "equal jitter": half of min(max, base * 2^(attempt - 1)) plus a
/// `jitter` fraction (0..1) of the other half. `attempt` counts from 1; jitter 1 is no jitter.
std::chrono::milliseconds backoff_delay(int attempt, const retry_policy& policy, double jitter);

/// What to do after a failed attempt.
struct retry_step {
  bool give_up = false;
  std::chrono::milliseconds delay{0}; ///< until the next attempt, unless giving up
};

} // namespace agora::domain
