#pragma once

#include "actors/domain/statuses.hpp"
#include "actors/protocol/atoms.hpp"
#include "actors/protocol/errors.hpp"
#include "actors/protocol/id_offsets.hpp"

#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/type_id.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <string>

// Payments: the simulated gateway. At most one payment per order (the store's unique key), so a
// retried or failed-over charge never charges twice.

namespace agora::protocol {

struct payment {
  std::string id;
  std::string order_id;
  domain::payment_status status = domain::payment_status::captured;
  int64_t amount_cents = 0;
  std::string currency;
  int64_t refunded_cents = 0;
  std::string decline_reason;
  std::string card_last4;
};

struct charge_request {
  std::string order_id;
  int64_t amount_cents = 0;
  std::string currency;
  std::string card_token;
  std::string card_last4;
  /// Unix ms after which the order has given this attempt up (0: never): a charge still waiting
  /// then (a paused or cut-off payment node) is not made, so it cannot land after a cancel.
  int64_t not_after_ms = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, payment& x) {
  return f(caf::meta::type_name("payment"), x.id, x.order_id, x.status, x.amount_cents, x.currency,
           x.refunded_cents, x.decline_reason, x.card_last4);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, charge_request& x) {
  return f(caf::meta::type_name("charge_request"), x.order_id, x.amount_cents, x.currency,
           x.card_token, x.card_last4, x.not_after_ms);
}

} // namespace agora::protocol

CAF_BEGIN_TYPE_ID_BLOCK(agora_payment, agora::protocol::payment_first_type_id)
CAF_ADD_TYPE_ID(agora_payment, (agora::protocol::payment))
CAF_ADD_TYPE_ID(agora_payment, (agora::protocol::charge_request))
CAF_END_TYPE_ID_BLOCK(agora_payment)

namespace agora::protocol {

/// The payment service. `charge` answers the order's payment (CAPTURED or DECLINED; an earlier
/// payment or void of the order wins), or errc::timeout without charging when it comes to be
/// made after its request's `not_after_ms`. `void` stops a charge not yet made (answering VOIDED)
/// or answers the payment that was made. `refund` (payment id, cents or 0 for all that is left,
/// dedupe key) fails with errc::conflict when nothing is left, errc::not_found for unknown ids.
using payment_actor =
  caf::typed_actor<caf::replies_to<charge_atom, charge_request>::with<payment>,
                   caf::replies_to<void_atom, std::string>::with<payment>,
                   caf::replies_to<refund_atom, std::string, int64_t, std::string>::with<payment>>;

/// Its store: `charge` records the decided payment unless the order has one, answering the one
/// stored; `void` (order id, new payment id) likewise; `refund` (payment id, cents, dedupe key,
/// new refund id) applies a refund once per dedupe key.
using payment_store_actor = caf::typed_actor<
  caf::replies_to<charge_atom, payment>::with<payment>,
  caf::replies_to<void_atom, std::string, std::string>::with<payment>,
  caf::replies_to<refund_atom, std::string, int64_t, std::string, std::string>::with<payment>>;

} // namespace agora::protocol
