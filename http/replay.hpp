#pragma once

#include "actors/domain/order.hpp"
#include "actors/protocol/order.hpp"

#include <nlohmann/json.hpp>

#include <vector>

namespace agora::http {

/// An order's journal folded by the domain's own `apply`, event by event, beside what the
/// database's projection says: {"order_id", "events": [{"seq", "event", "state_after"}],
/// "matches", "differences": [{"field", "replayed", "stored"}]}. Each state is rendered as the
/// order document (plus what it still owes and whether it is settled). The shipment's moves before
/// delivery are not journaled, so the replayed state takes the stored shipment's status as seen.
nlohmann::json replay_json(const std::vector<domain::order_event>& journal,
                           const protocol::order_view& stored);

} // namespace agora::http
