#include "http/replay.hpp"
#include "tests/support/samples.hpp"

#include <catch2/catch.hpp>

using namespace agora;
using namespace agora::domain;

namespace {

/// A paid order's journal, and its projection as the order actor would have written it.
std::pair<std::vector<order_event>, protocol::order_view> paid_order() {
  order_state s;
  std::vector<order_event> journal;
  auto step = [&](decision d) {
    for (auto& e : d.events) {
      apply(s, e);
      journal.push_back(e);
    }
  };
  step(decide_create(s, test::sample_draft(), 1000));
  step(decide_reservation(s, true, {}, 2000));
  step(decide_payment(s, payment_outcome::captured, "pay_1", 3000, "", 3000));
  return {journal, protocol::view_of(s, std::nullopt)};
}

} // namespace

TEST_CASE("a replay shows the state after each event and agrees with a true projection",
          "[replay]") {
  auto [journal, stored] = paid_order();
  auto r = http::replay_json(journal, stored);
  REQUIRE(r["events"].size() == 3);
  CHECK(r["events"][0]["seq"] == 1);
  CHECK(r["events"][0]["event"]["type"] == "ORDER_CREATED");
  CHECK(r["events"][0]["state_after"]["status"] == "PENDING");
  CHECK(r["events"][0]["state_after"]["owes"] == nlohmann::json::array({"reserve_stock"}));
  CHECK(r["events"][1]["state_after"]["status"] == "RESERVED");
  CHECK(r["events"][2]["event"]["payment_id"] == "pay_1");
  CHECK(r["events"][2]["state_after"]["status"] == "PAID");
  CHECK(r["events"][2]["state_after"]["payment"]["status"] == "CAPTURED");
  CHECK(r["matches"] == true);
  CHECK(r["differences"].empty());
}

TEST_CASE("a replay names each field where the projection departs from the journal", "[replay]") {
  auto [journal, stored] = paid_order();
  stored.status = order_status::shipped;
  stored.payment_id.clear(); // "payment": null in the projection
  auto r = http::replay_json(journal, stored);
  CHECK(r["matches"] == false);
  std::map<std::string, nlohmann::json> diffs;
  for (auto& d : r["differences"])
    diffs[d["field"].get<std::string>()] = d;
  REQUIRE(diffs.count("status") == 1);
  CHECK(diffs["status"]["replayed"] == "PAID");
  CHECK(diffs["status"]["stored"] == "SHIPPED");
  REQUIRE(diffs.count("payment") == 1);
  CHECK(diffs["payment"]["stored"].is_null());
  CHECK(diffs.size() == 2);
}

TEST_CASE("the shipment's moves outside the journal are not a difference", "[replay]") {
  auto [journal, stored] = paid_order();
  order_state s;
  for (auto& e : journal)
    apply(s, e);
  auto shipped = decide_shipment_created(s, "shp_1", "TRK1", "UPS", 4000);
  for (auto& e : shipped.events) {
    apply(s, e);
    journal.push_back(e);
  }
  stored = protocol::view_of(s, shipment_status::in_transit); // the carrier moved it on
  CHECK(http::replay_json(journal, stored)["matches"] == true);
}
