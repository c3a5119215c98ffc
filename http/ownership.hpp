#pragma once

#include "actors/protocol/reads.hpp"
#include "http/actor_bridge.hpp"
#include "http/services.hpp"

#include <string>

// Who owns an order, and the one check every order, payment, shipment and event route makes:
// staff see all, a customer their own orders, a guest the order whose access token they hold;
// anything else is a 404, the same as for what does not exist.
namespace agora::http {

/// The access token of order `order_id`: what a guest holds instead of a session.
std::string order_access_token(const services& s, const std::string& order_id);

/// True when `who` may see order `order_id` owned by account `customer_id` (empty: a guest's).
bool may_see_order(const services& s, const caller& who, const std::string& order_id,
                   const std::string& customer_id);

/// Inside a bridge: the order `id` as the readers see it, passed to `then(view)` when the caller
/// may see it; a 404 otherwise.
template <class Then>
void with_order(caf::event_based_actor* self, const services& s, const exchange_ptr& ex,
                const std::string& id, Then then) {
  then_ask<protocol::order_view>(
    self, ex, s.reads, s.ask_timeout,
    [=](protocol::order_view& v) {
      if (!may_see_order(s, ex->who(), v.id, v.customer_id))
        return ex->respond_problem(make_problem(protocol::errc::not_found, "no such order"));
      then(v);
    },
    protocol::get_atom_v, id);
}

} // namespace agora::http
