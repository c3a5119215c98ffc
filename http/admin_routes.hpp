#pragma once

#include "http/exchange.hpp"
#include "http/services.hpp"

#include <vector>

namespace agora::http {

/// Operations over the whole cluster, for staff: GET /admin/actors (live actors of every node,
/// merged; nodes that did not answer in time are named in "missing"), GET /admin/actors/{id}
/// ("<actor id>@<node>": counters, mailbox, recent messages, an order's journal), GET
/// /admin/orders/{id}/replay (the journal folded by the domain rules beside the projection),
/// GET /admin/notifications (the outbox with last errors) and, for admins, POST
/// /admin/notifications/{id}/retry (a FAILED mail back to QUEUED).
std::vector<route> admin_routes(const services& s);

} // namespace agora::http
