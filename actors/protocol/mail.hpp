#pragma once

#include "actors/protocol/atoms.hpp"
#include "actors/protocol/errors.hpp"
#include "actors/protocol/id_offsets.hpp"

#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/type_id.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <string>
#include <vector>

// Mail delivery: the notification dispatcher claims rows of the outbox from its store and hands
// each to an idle mailer (a detached worker that speaks SMTP), then records the outcome.

namespace agora::protocol {

/// One claimed outbox row. `attempt` is this claim's attempt number; marking the row needs it,
/// so a claimer whose lease ran out cannot overwrite a newer claim.
struct outbox_mail {
  std::string id;
  std::string type; ///< ORDER_CREATED, ...
  std::string order_id;
  int64_t product_id = 0;
  std::string recipient;
  std::string subject;
  std::string body_text;
  std::string body_html;
  int32_t attempt = 0;
  int64_t created_at_ms = 0;
  bool suppressed = false; ///< over its recipient's cap: recorded SUPPRESSED, not to be sent
};

/// How one SMTP exchange ended. `outcome` is a domain::delivery_outcome.
struct mail_receipt {
  uint8_t outcome = 0;
  int32_t smtp_code = 0; ///< the server's last reply code, 0 when none came
  std::string error;     ///< empty when sent
  double seconds = 0;    ///< time spent on the exchange
};

/// The queue as a gauge sees it.
struct outbox_stats {
  int64_t queued = 0;
  int64_t oldest_queued_ms = 0; ///< age of the oldest QUEUED row, 0 when none
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, outbox_mail& x) {
  return f(caf::meta::type_name("outbox_mail"), x.id, x.type, x.order_id, x.product_id, x.recipient,
           x.subject, x.body_text, x.body_html, x.attempt, x.created_at_ms, x.suppressed);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, mail_receipt& x) {
  return f(caf::meta::type_name("mail_receipt"), x.outcome, x.smtp_code, x.error, x.seconds);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, outbox_stats& x) {
  return f(caf::meta::type_name("outbox_stats"), x.queued, x.oldest_queued_ms);
}

} // namespace agora::protocol

CAF_BEGIN_TYPE_ID_BLOCK(agora_mail, agora::protocol::mail_first_type_id)
CAF_ADD_TYPE_ID(agora_mail, (agora::protocol::outbox_mail))
CAF_ADD_TYPE_ID(agora_mail, (std::vector<agora::protocol::outbox_mail>))
CAF_ADD_TYPE_ID(agora_mail, (agora::protocol::mail_receipt))
CAF_ADD_TYPE_ID(agora_mail, (agora::protocol::outbox_stats))
CAF_END_TYPE_ID_BLOCK(agora_mail)

namespace agora::protocol {

/// The outbox's store. `claim` (at most n rows, lease in ms, cap per recipient and hour; 0: none)
/// takes due QUEUED rows no one else holds (FOR UPDATE SKIP LOCKED), counts their attempt and
/// hides them for the lease, or records those over the cap SUPPRESSED (answered with
/// `suppressed` set). `sent`,
/// `retry` (delay ms, error, whether the attempt counts) and `failed` (error) answer false when
/// the row moved on meanwhile (another claim, a final state). `stats` reads the queue.
using outbox_store_actor = caf::typed_actor<
  caf::replies_to<claim_atom, int32_t, int64_t, int32_t>::with<std::vector<outbox_mail>>,
  caf::replies_to<sent_atom, std::string, int32_t>::with<bool>,
  caf::replies_to<retry_atom, std::string, int32_t, int64_t, std::string, bool>::with<bool>,
  caf::replies_to<failed_atom, std::string, int32_t, std::string>::with<bool>,
  caf::replies_to<stats_atom>::with<outbox_stats>>;

/// One SMTP worker: renders the message and delivers it, one at a time (it blocks).
using mailer_actor = caf::typed_actor<caf::replies_to<send_atom, outbox_mail>::with<mail_receipt>>;

/// The dispatcher of a notification node; `tick` asks it to look at the outbox now.
using notification_actor = caf::typed_actor<caf::reacts_to<tick_atom>>;

} // namespace agora::protocol
