#pragma once

#include "actors/domain/enum_text.hpp"
#include "actors/domain/retry.hpp"

#include <chrono>
#include <cstdint>
#include <string_view>

// What happens to an outbox row after one delivery attempt. Pure rules: the dispatcher feeds in the
// transport's outcome and a random fraction for the jitter.
namespace agora::domain {

enum class delivery_outcome : uint8_t {
  sent,        ///< the server accepted the message
  transient,   ///< 4xx or a broken exchange: try this mail again later
  rejected,    ///< 5xx for this mail: counted like a transient failure, since some services
               ///< (Mailtrap's "550 too many emails per second") use 5xx for rate limits
  unavailable, ///< no usable server (connect, TLS, login, 421): not the mail's fault
};

inline constexpr enum_text<delivery_outcome> delivery_outcome_names[] = {
  {delivery_outcome::sent, "sent"},
  {delivery_outcome::transient, "transient"},
  {delivery_outcome::rejected, "rejected"},
  {delivery_outcome::unavailable, "unavailable"}};
constexpr auto& text_table(delivery_outcome) {
  return delivery_outcome_names;
}

enum class delivery_action : uint8_t {
  mark_sent,   ///< SENT with sent_at
  retry,       ///< stays QUEUED; the attempt counts
  mark_failed, ///< FAILED with the last error
  defer,       ///< stays QUEUED; the attempt is given back (the server, not the mail, failed)
};

struct delivery_decision {
  delivery_action action = delivery_action::retry;
  std::chrono::milliseconds delay{0}; ///< until the next attempt (retry, defer)
};

/// The action after attempt number `attempt` (counting from 1) ended with `outcome`.
delivery_decision decide_delivery(delivery_outcome outcome, int attempt, const retry_policy& policy,
                                  double jitter);

} // namespace agora::domain
