#include "persistence/order_codec.hpp"

#include <catch2/catch.hpp>

using namespace agora;
using namespace agora::domain;

namespace {

order_event round_trip(const order_event& e, const std::string& order_id = "ord_x") {
  auto data = nlohmann::json::parse(persistence::event_data(e).dump());
  return persistence::event_from(order_id, std::string{to_string(e.type)}, data, e.at_ms);
}

} // namespace

TEST_CASE("ORDER_CREATED survives the journal, with its order id but no card number", "[codec]") {
  order_event e;
  e.type = event_type::order_created;
  e.at_ms = 1234;
  e.draft = {"ord_x",
             "ann@example.com",
             "cus_ann",
             {{3, 2, 1250}},
             2500,
             "USD",
             {"Ann", "1 Main St", "", "Springfield", "12345", "US"},
             "tok_approve_4242",
             "4242"};
  auto data = persistence::event_data(e).dump();
  CHECK(data.find("4242424242424242") == std::string::npos);
  auto back = round_trip(e);
  CHECK(back.draft.id == "ord_x"); // replay must know which order it rebuilds
  CHECK(back.draft.customer_email == "ann@example.com");
  CHECK(back.draft.customer_id == "cus_ann"); // the owner survives replay
  REQUIRE(back.draft.items.size() == 1);
  CHECK(back.draft.items[0].unit_price_cents == 1250);
  CHECK(back.draft.ship_to.city == "Springfield");
  CHECK(back.draft.card_token == "tok_approve_4242");
  CHECK(back.at_ms == 1234);
}

TEST_CASE("every event type round-trips its fields", "[codec]") {
  order_event rejected;
  rejected.type = event_type::order_rejected;
  rejected.reason = order_reason::out_of_stock;
  rejected.products = {7, 9};
  CHECK(round_trip(rejected).products == std::vector<int64_t>{7, 9});
  CHECK(round_trip(rejected).reason == order_reason::out_of_stock);
  order_event paid;
  paid.type = event_type::payment_captured;
  paid.payment_id = "pay_1";
  paid.amount_cents = 999;
  CHECK(round_trip(paid).payment_id == "pay_1");
  CHECK(round_trip(paid).amount_cents == 999);
  order_event declined;
  declined.type = event_type::payment_declined;
  declined.detail = "insufficient_funds";
  CHECK(round_trip(declined).detail == "insufficient_funds");
  order_event shipped;
  shipped.type = event_type::shipment_created;
  shipped.shipment_id = "shp_1";
  shipped.tracking_number = "1ZABC";
  shipped.carrier = "DHL";
  auto back = round_trip(shipped);
  CHECK(back.shipment_id == "shp_1");
  CHECK(back.tracking_number == "1ZABC");
  CHECK(back.carrier == "DHL");
  order_event staff;
  staff.type = event_type::payment_refund_issued;
  staff.payment_id = "pay_1";
  staff.amount_cents = 500;
  staff.detail = "admin:k1";
  auto refund = round_trip(staff);
  CHECK(refund.payment_id == "pay_1");
  CHECK(refund.amount_cents == 500);
  CHECK(refund.detail == "admin:k1"); // the key: a replayed retry journals nothing twice
  CHECK_THROWS(persistence::event_from("ord_x", "NO_SUCH_EVENT", nlohmann::json::object(), 0));
}

TEST_CASE("a later append updates only the moving parts of its own order's projection", "[codec]") {
  protocol::journal_append b;
  b.order_id = "ord_x";
  b.first_seq = 3;
  order_event e;
  e.type = event_type::order_shipped;
  b.events = {e};
  b.projection.status =
    order_status::shipped; // even with an empty id in the view, the key is the order's
  std::deque<persistence::write_job> batch;
  batch.push_back(persistence::journal_job(b));
  auto sql = persistence::writer::batch_sql(batch);
  CHECK(sql.find("INSERT INTO orders") == std::string::npos); // the first append did that
  CHECK(sql.find("UPDATE orders AS o SET status = v.status") != std::string::npos);
  CHECK(sql.find("('ord_x', 'SHIPPED', NULL, NULL, NULL, 3, false, ") != std::string::npos);
  CHECK(sql.find("o.id = v.id AND o.version < v.version") != std::string::npos);
  CHECK(sql.find("('ord_x', 3, 'ORDER_SHIPPED'") != std::string::npos);
}
