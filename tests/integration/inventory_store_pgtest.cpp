#include "persistence/inventory_store.hpp"
#include "persistence/migrations.hpp"
#include "persistence/sql.hpp"
#include "tests/support/pg.hpp"

#include <catch2/catch.hpp>
#include <pqxx/connection>
#include <pqxx/nontransaction>

using namespace agora;
using namespace agora::protocol;

namespace {

struct db {
  std::string url = test::fresh_database();
  pqxx::connection conn{url};
  db() {
    persistence::apply_migrations(conn, persistence::builtin_migrations());
  }
  void run(const stock_change& c) {
    pqxx::nontransaction tx{conn};
    std::deque<persistence::write_job> batch;
    batch.push_back(persistence::stock_change_job(c));
    tx.exec("BEGIN; " + persistence::writer::batch_sql(batch) + "; COMMIT");
  }
  std::string levels(int64_t product) {
    return test::sql_value(url, "SELECT on_hand || '/' || reserved FROM stock WHERE product_id = "
                                  + std::to_string(product));
  }
};

stock_change reserve(const std::string& order, int64_t product, int32_t qty) {
  stock_change c;
  c.kind = change_kind::reserve;
  c.shard = static_cast<uint32_t>(product % 8);
  c.order_id = order;
  c.items = {{product, qty, 0}};
  return c;
}

stock_change finish(change_kind kind, const std::string& order, int64_t product) {
  stock_change c;
  c.kind = kind;
  c.shard = static_cast<uint32_t>(product % 8);
  c.order_id = order;
  return c;
}

} // namespace

TEST_CASE("a reservation holds stock until it is released or committed", "[inventory][pg]") {
  db d;
  auto before = d.levels(1); // sample catalog: product 1 has 40 on hand
  REQUIRE(before == "40/0");
  d.run(reserve("ord_a", 1, 5));
  CHECK(d.levels(1) == "40/5");
  d.run(finish(change_kind::release, "ord_a", 1));
  CHECK(d.levels(1) == "40/0");
  d.run(finish(change_kind::release, "ord_a", 1)); // twice: nothing more
  CHECK(d.levels(1) == "40/0");
  d.run(reserve("ord_b", 1, 3));
  d.run(finish(change_kind::commit, "ord_b", 1));
  CHECK(d.levels(1) == "37/0");
  d.run(finish(change_kind::commit, "ord_b", 1));
  CHECK(d.levels(1) == "37/0");
}

TEST_CASE("the database refuses a second hold and an oversold product", "[inventory][pg]") {
  db d;
  d.run(reserve("ord_a", 1, 5));
  CHECK_THROWS(d.run(reserve("ord_a", 1, 5)));   // same order, same shard: loud
  CHECK_THROWS(d.run(reserve("ord_c", 1, 100))); // more than on hand: the CHECK fires
  CHECK(d.levels(1) == "40/5");
}

TEST_CASE("a release before its reserve leaves a tombstone that refuses the reserve",
          "[inventory][pg]") {
  db d;
  auto tomb = finish(change_kind::release, "ord_late", 1);
  tomb.tombstone = true;
  d.run(tomb);
  CHECK_THROWS(d.run(reserve("ord_late", 1, 1)));
  CHECK(d.levels(1) == "40/0");
}

TEST_CASE("alerts go to the outbox with the change, once per key", "[inventory][pg]") {
  db d;
  auto c = reserve("ord_a", 2, 1);
  c.flags = {{2, false, 1}};
  domain::notification n;
  n.type = domain::notification_type::low_inventory_alert;
  n.dedupe_key = "stock:2:1";
  n.recipient = "ops@example.com";
  n.subject = "Low stock";
  n.body_text = "it's low";
  n.product_id = 2;
  c.alerts = {n};
  d.run(c);
  CHECK(test::sql_value(d.url, "SELECT count(*) FROM notifications WHERE product_id = 2") == "1");
  CHECK(test::sql_value(d.url, "SELECT low_alert_armed FROM stock WHERE product_id = 2") == "f");
  auto again = reserve("ord_b", 2, 1);
  again.alerts = {n};
  d.run(again);
  CHECK(test::sql_value(d.url, "SELECT count(*) FROM notifications WHERE product_id = 2") == "1");
}

TEST_CASE("quoted text survives the trip through SQL literals", "[inventory][pg]") {
  db d;
  auto text = std::string{"O'Brien; DROP TABLE stock; -- \\ \"x\" ünïcode"};
  CHECK(test::sql_value(d.url, "SELECT " + persistence::sql::lit(text)) == text);
  CHECK_THROWS(persistence::sql::lit(std::string{"nul\0byte", 8}));
}
