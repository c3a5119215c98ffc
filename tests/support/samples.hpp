#pragma once

#include "actors/domain/order.hpp"

#include <string>

// Sample values the unit tests share.
namespace agora::test {

/// An order for two lamps (product 3) and a mug (product 7), 30.00 USD, paid with an approved
/// test card, shipped to Ann.
inline domain::order_draft sample_draft(const std::string& id = "ord_test") {
  domain::order_draft d;
  d.id = id;
  d.customer_email = "ann@example.com";
  d.items = {{3, 2, 1250}, {7, 1, 500}};
  d.total_cents = 3000;
  d.ship_to = {"Ann", "1 Main St", "", "Springfield", "12345", "US"};
  d.card_token = "tok_approve_4242";
  d.card_last4 = "4242";
  return d;
}

} // namespace agora::test
