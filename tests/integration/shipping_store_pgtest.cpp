#include "persistence/shipping_store.hpp"
#include "tests/support/pg.hpp"
#include "tests/support/store_fixture.hpp"

#include <catch2/catch.hpp>

using namespace agora;
using namespace agora::protocol;
using namespace std::chrono_literals;

namespace {

struct fixture : test::writer_store_fixture<shipping_store_actor> {
  fixture() : writer_store_fixture(persistence::spawn_shipping_store) {}

  shipment make(const std::string& id, const std::string& order) {
    auto [s, err] =
      ask<shipment>(create_atom_v, shipment{id, order, "LABEL_CREATED", "1Z" + id, "UPS"});
    REQUIRE_FALSE(err);
    return s;
  }

  std::string sql(const std::string& query) {
    return test::sql_value(url, query);
  }
};

} // namespace

TEST_CASE("a shipment is created once per order, with its first event", "[shipping][pg]") {
  fixture f;
  CHECK(f.make("shp_1", "ord_1").id == "shp_1");
  // A second proposal for the order (a retried step) answers the first shipment.
  auto again = f.make("shp_2", "ord_1");
  CHECK(again.id == "shp_1");
  CHECK(again.tracking_number == "1Zshp_1");
  CHECK(f.sql("SELECT count(*) FROM shipments WHERE order_id = 'ord_1'") == "1");
  CHECK(f.sql("SELECT string_agg(status, ',') FROM shipment_events WHERE shipment_id = 'shp_1'")
        == "LABEL_CREATED");
  auto [found, err] = f.ask<shipment>(get_atom_v, std::string{"ord_1"});
  CHECK_FALSE(err);
  CHECK(found.id == "shp_1");
  CHECK(f.ask<shipment>(get_atom_v, std::string{"ord_none"}).second == errc::not_found);
}

TEST_CASE("the carrier step moves only shipments unchanged long enough, and records each move",
          "[shipping][pg]") {
  fixture f;
  f.make("shp_old", "ord_a");
  f.make("shp_new", "ord_b");
  f.make("shp_gone", "ord_c");
  CHECK(f.ask<shipment>(cancel_atom_v, std::string{"ord_c"}).first.status == "CANCELLED");
  f.sql("UPDATE shipments SET updated_at = now() - interval '1 hour' WHERE id IN ('shp_old', "
        "'shp_gone')");
  auto [moved, err] = f.ask<std::vector<shipment>>(step_atom_v, int64_t{60000});
  REQUIRE_FALSE(err);
  REQUIRE(moved.size() == 1); // the new one is too recent, the cancelled one does not move
  CHECK(moved[0].id == "shp_old");
  CHECK(moved[0].order_id == "ord_a");
  CHECK(moved[0].status == "IN_TRANSIT");
  // Every step on: the last scan delivers, and a delivered shipment moves no more.
  for (auto next : {"OUT_FOR_DELIVERY", "DELIVERED"}) {
    auto [again, step_err] = f.ask<std::vector<shipment>>(step_atom_v, int64_t{0});
    REQUIRE_FALSE(step_err);
    bool seen = false;
    for (auto& s : again)
      if (s.id == "shp_old") {
        seen = true;
        CHECK(s.status == next);
      }
    CHECK(seen);
  }
  f.sql("UPDATE shipments SET updated_at = now() - interval '1 hour'");
  for (auto& s : f.ask<std::vector<shipment>>(step_atom_v, int64_t{0}).first)
    CHECK(s.id != "shp_old");
  CHECK(f.sql("SELECT string_agg(status, ',' ORDER BY at, status) FROM shipment_events WHERE "
              "shipment_id = 'shp_old'")
        == "LABEL_CREATED,IN_TRANSIT,OUT_FOR_DELIVERY,DELIVERED");
  CHECK(f.sql("SELECT count(*) FROM shipment_events WHERE shipment_id = 'shp_gone'") == "2");
}

TEST_CASE("a shipment is cancelled only before pickup; advance scans it on", "[shipping][pg]") {
  fixture f;
  auto s = f.make("shp_x", "ord_x");
  auto [scanned, err] = f.ask<shipment>(advance_atom_v, s.id);
  REQUIRE_FALSE(err);
  CHECK(scanned.status == "IN_TRANSIT");
  CHECK(f.ask<shipment>(cancel_atom_v, std::string{"ord_x"}).second == errc::conflict);
  CHECK(f.ask<shipment>(advance_atom_v, std::string{"shp_unknown"}).second == errc::not_found);
  for (int i = 0; i < 2; ++i)
    CHECK_FALSE(f.ask<shipment>(advance_atom_v, s.id).second);
  CHECK(f.ask<shipment>(advance_atom_v, s.id).second == errc::conflict); // delivered
  CHECK(f.sql("SELECT status FROM shipments WHERE id = 'shp_x'") == "DELIVERED");
}
