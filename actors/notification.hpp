#pragma once

#include "actors/domain/mail_delivery.hpp"
#include "actors/protocol/mail.hpp"

#include <chrono>
#include <vector>

namespace caf {
class actor_system;
}

namespace prometheus {
class Registry;
}

namespace agora {
class actor_registry;
}

namespace agora::actors {

struct notification_options {
  domain::retry_policy retry;                 ///< per mail: attempts and backoff
  std::chrono::milliseconds poll{500};        ///< how often the outbox is looked at when idle
  std::chrono::milliseconds lease{90000};     ///< a claimed row stays hidden this long
  std::chrono::milliseconds pause_max{60000}; ///< longest wait between probes of a dead server
  std::chrono::milliseconds stats_every{5000};
  std::chrono::milliseconds store_timeout{30000};
  int32_t cap_per_hour = 20; ///< mails to one address an hour; beyond: SUPPRESSED. 0: no cap
};

/// Spawns the notification dispatcher of a `notification` node: it claims due outbox rows from
/// `store`, hands each to an idle mailer (so at most mailers.size() mails are in flight), and
/// records SENT, a retry with backoff and jitter, or FAILED. While the server is unreachable it
/// pauses (backing off) instead of burning the mails' attempts, and probes with one mail.
protocol::notification_actor
spawn_notification(caf::actor_system& sys, protocol::outbox_store_actor store,
                   std::vector<protocol::mailer_actor> mailers, notification_options options,
                   prometheus::Registry& metrics, actor_registry& registry);

} // namespace agora::actors
