#include "actors/domain/mail_delivery.hpp"
#include "actors/domain/notifications.hpp"
#include "actors/domain/order.hpp"
#include "actors/domain/payment_rules.hpp"
#include "actors/domain/roles.hpp"
#include "actors/domain/statuses.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <string>

using namespace agora::domain;

namespace {

/// Every value of a table spells a distinct text that parses back to it.
template <class Enum, size_t N>
void round_trips(const enum_text<Enum> (&table)[N]) {
  std::set<std::string_view> seen;
  for (auto& entry : table) {
    CHECK(to_string(entry.value) == entry.text);
    CHECK(from_text<Enum>(entry.text) == entry.value);
    CHECK(seen.insert(entry.text).second);
  }
}

} // namespace

TEST_CASE("every enum round-trips through its one spelling", "[enum]") {
  round_trips(order_status_names);
  round_trips(order_reason_names);
  round_trips(payment_status_names);
  round_trips(shipment_status_names);
  round_trips(hold_status_names);
  round_trips(event_type_names);
  round_trips(effect_names);
  round_trips(payment_outcome_names);
  round_trips(node_role_names);
  round_trips(notification_type_names);
  round_trips(delivery_outcome_names);
  round_trips(charge_result_names);
}

TEST_CASE("text that no table spells parses to nothing", "[enum]") {
  CHECK(from_text<order_status>("DELIVERED") == order_status::delivered);
  CHECK_FALSE(from_text<order_status>("delivered"));
  CHECK_FALSE(from_text<shipment_status>(""));
  CHECK(from_text<shipment_status>("OUT_FOR_DELIVERY") == shipment_status::out_for_delivery);
  CHECK(std::string{to_string(event_type::shipment_cancelled)} == "SHIPMENT_CANCELLED");
}

TEST_CASE("a role set holds the roles added and all() holds every role", "[enum]") {
  role_set some{node_role::orders, node_role::inventory};
  CHECK(some.has(node_role::orders));
  CHECK(some.has(node_role::inventory));
  CHECK_FALSE(some.has(node_role::payment));
  CHECK_FALSE(some.empty());
  CHECK(role_set{}.empty());
  for (auto& entry : node_role_names)
    CHECK(role_set::all().has(entry.value));
}
