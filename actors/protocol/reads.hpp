#pragma once

#include "actors/protocol/order.hpp"

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <string>
#include <vector>

// The read side: queries answered from PostgreSQL by a pool of detached readers. Orders come back
// as order_view (rendered by the front door like the actors' answers); payments, shipments,
// notifications and journals come back as JSON text built by the database.

namespace agora::protocol {

struct list_filter {
  std::string id; ///< one resource by id (its own document, not a page)
  std::string order_id;
  std::string customer_email;
  std::string customer_id; ///< orders of one account only
  std::string status;
  std::string type;
  std::string tracking_number;
  int64_t product_id = 0;
  int32_t limit = 50;
  int32_t offset = 0;
};

struct order_page {
  std::vector<order_view> items;
  int64_t total = 0;
};

struct idempotency_record {
  bool found = false;
  std::string request_hash;
  std::string order_id;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, list_filter& x) {
  return f(caf::meta::type_name("list_filter"), x.id, x.order_id, x.customer_email, x.customer_id,
           x.status, x.type, x.tracking_number, x.product_id, x.limit, x.offset);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, order_page& x) {
  return f(caf::meta::type_name("order_page"), x.items, x.total);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, idempotency_record& x) {
  return f(caf::meta::type_name("idempotency_record"), x.found, x.request_hash, x.order_id);
}

} // namespace agora::protocol

CAF_BEGIN_TYPE_ID_BLOCK(agora_reads, agora::protocol::reads_first_type_id)
CAF_ADD_TYPE_ID(agora_reads, (agora::protocol::list_filter))
CAF_ADD_TYPE_ID(agora_reads, (agora::protocol::order_page))
CAF_ADD_TYPE_ID(agora_reads, (agora::protocol::idempotency_record))
CAF_END_TYPE_ID_BLOCK(agora_reads)

namespace agora::protocol {

/// Reads. Unknown ids fail with errc::not_found. `load` answers an order's journal for replay;
/// `unsettled` the unsettled orders that owe a step of their own (not those only awaiting their
/// shipment's news, which that news activates); `lagging` the orders behind their shipment (it
/// moved on more than the given milliseconds ago and the order did not hear of it); the JSON
/// answers are a document (filter.id set) or a contract page {"items", "total", "limit", "offset"}.
/// `outbox` is the notifications page as staff see it (with last_error, next_attempt_at);
/// `requeue` is the one write here: staff put a FAILED mail back to QUEUED with a fresh set of
/// attempts (answered the row as `outbox` shows it; errc::conflict unless it was FAILED).
using read_store_actor =
  caf::typed_actor<caf::replies_to<get_atom, std::string>::with<order_view>,
                   caf::replies_to<list_atom, list_filter>::with<order_page>,
                   caf::replies_to<load_atom, std::string>::with<std::vector<domain::order_event>>,
                   caf::replies_to<events_atom, std::string>::with<std::string>,
                   caf::replies_to<idem_atom, std::string>::with<idempotency_record>,
                   caf::replies_to<unsettled_atom>::with<std::vector<std::string>>,
                   caf::replies_to<lagging_atom, int64_t>::with<std::vector<std::string>>,
                   caf::replies_to<payments_atom, list_filter>::with<std::string>,
                   caf::replies_to<shipments_atom, list_filter>::with<std::string>,
                   caf::replies_to<notices_atom, list_filter>::with<std::string>,
                   caf::replies_to<outbox_atom, list_filter>::with<std::string>,
                   caf::replies_to<requeue_atom, std::string>::with<std::string>>;

} // namespace agora::protocol
