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

using domain::stock_event;
using domain::stock_event_type;

struct db {
  std::string url = test::fresh_database();
  pqxx::connection conn{url};
  db() {
    persistence::apply_migrations(conn, persistence::builtin_migrations());
  }
  /// Writes one shard write, as the writer would (alone in its batch).
  void run(const shard_append& a) {
    pqxx::nontransaction tx{conn};
    std::deque<persistence::write_job> batch;
    batch.push_back(persistence::shard_job(a));
    tx.exec("BEGIN; " + persistence::writer::batch_sql(batch) + "; COMMIT");
  }
  void run(std::vector<stock_event> events) {
    run(write_of(std::move(events)));
  }
  static shard_append write_of(std::vector<stock_event> events) {
    shard_append a;
    a.token.shard = 1; // product 1's shard of 8; the tests keep to shard 1's products
    a.events = std::move(events);
    return a;
  }
  std::string levels(int64_t product) {
    return test::sql_value(url, "SELECT on_hand || '/' || reserved FROM stock WHERE product_id = "
                                  + std::to_string(product));
  }
};

stock_event hold(stock_event_type type, const std::string& order, int64_t product, int32_t qty) {
  stock_event e;
  e.type = type;
  e.order_id = order;
  e.items = {{product, qty, 0}};
  return e;
}

stock_event reserve(const std::string& order, int64_t product, int32_t qty) {
  return hold(stock_event_type::held, order, product, qty);
}

stock_event levels_set(int64_t product, int32_t before, int32_t on_hand) {
  stock_event e;
  e.type = stock_event_type::levels_set;
  e.product_id = product;
  e.before = before;
  e.quantity = on_hand;
  e.threshold = 5;
  return e;
}

} // namespace

TEST_CASE("a reservation holds stock until it is released or committed", "[inventory][pg]") {
  db d;
  auto before = d.levels(1); // sample catalog: product 1 has 40 on hand
  REQUIRE(before == "40/0");
  d.run({reserve("ord_a", 1, 5)});
  CHECK(d.levels(1) == "40/5");
  d.run({hold(stock_event_type::released, "ord_a", 1, 5)});
  CHECK(d.levels(1) == "40/0");
  d.run({hold(stock_event_type::released, "ord_a", 1, 5)}); // twice: nothing more
  CHECK(d.levels(1) == "40/0");
  d.run({reserve("ord_b", 1, 3)});
  d.run({hold(stock_event_type::committed, "ord_b", 1, 3)});
  CHECK(d.levels(1) == "37/0");
  d.run({hold(stock_event_type::committed, "ord_b", 1, 3)});
  CHECK(d.levels(1) == "37/0");
}

TEST_CASE("the database refuses a second hold and an oversold product", "[inventory][pg]") {
  db d;
  d.run({reserve("ord_a", 1, 5)});
  CHECK_THROWS(d.run({reserve("ord_a", 1, 5)}));   // same order, same shard: loud
  CHECK_THROWS(d.run({reserve("ord_c", 1, 100)})); // more than on hand: the CHECK fires
  CHECK(d.levels(1) == "40/5");
}

TEST_CASE("a release before its reserve leaves a tombstone that refuses the reserve",
          "[inventory][pg]") {
  db d;
  auto tomb = hold(stock_event_type::released, "ord_late", 1, 0);
  tomb.items.clear();
  tomb.tombstone = true;
  d.run({tomb});
  CHECK_THROWS(d.run({reserve("ord_late", 1, 1)}));
  CHECK(d.levels(1) == "40/0");
}

TEST_CASE("one write's events apply as if one after the other, whatever they free and take",
          "[inventory][pg]") {
  db d;
  // Held and released in one write: the hold is written released, the stock untouched.
  d.run({reserve("ord_a", 1, 40), hold(stock_event_type::released, "ord_a", 1, 40),
         reserve("ord_b", 1, 40)});
  CHECK(d.levels(1) == "40/40");
  CHECK(test::sql_value(d.url, "SELECT status FROM holds WHERE order_id = 'ord_a'") == "RELEASED");
  // A release frees what a reserve in the same write takes.
  d.run({hold(stock_event_type::released, "ord_b", 1, 40), reserve("ord_c", 1, 40)});
  CHECK(d.levels(1) == "40/40");
  // A commit, then an admin lowering on_hand to what is left: deltas, so neither is lost.
  d.run({hold(stock_event_type::committed, "ord_c", 1, 40), levels_set(1, 0, 0)});
  CHECK(d.levels(1) == "0/0");
  // Raising on_hand makes room for a reserve in the same write.
  d.run({levels_set(1, 0, 10), reserve("ord_d", 1, 10)});
  CHECK(d.levels(1) == "10/10");
}

TEST_CASE("a write's verify query finds it once committed", "[inventory][pg]") {
  db d;
  auto job = persistence::shard_job(db::write_of({reserve("ord_v", 1, 1)}));
  REQUIRE_FALSE(job.verify.empty());
  CHECK(test::sql_value(d.url, job.verify).empty());
  d.run({reserve("ord_v", 1, 1)});
  CHECK(test::sql_value(d.url, job.verify) == "1");
  CHECK(persistence::shard_job(db::write_of({levels_set(1, 40, 41)})).verify.empty());
}

TEST_CASE("an order's stock step may wait for the writer's linger, an admin's change may not",
          "[inventory][pg]") {
  CHECK(persistence::shard_job(db::write_of({reserve("ord_w", 1, 1)})).can_wait);
  CHECK(persistence::shard_job(db::write_of({hold(stock_event_type::committed, "ord_w", 1, 1)}))
          .can_wait);
  CHECK_FALSE(persistence::shard_job(db::write_of({levels_set(1, 40, 41)})).can_wait);
  CHECK_FALSE(
    persistence::shard_job(db::write_of({reserve("ord_w", 1, 1), levels_set(1, 40, 41)})).can_wait);
}

TEST_CASE("alerts go to the outbox with the change, once per key", "[inventory][pg]") {
  db d;
  stock_event raised;
  raised.type = stock_event_type::alert_raised;
  raised.product_id = 9; // also shard 1 of 8
  raised.alerts = 1;
  domain::notification n;
  n.type = domain::notification_type::low_inventory_alert;
  n.dedupe_key = "stock:9:1";
  n.recipient = "ops@example.com";
  n.subject = "Low stock";
  n.body_text = "it's low";
  n.product_id = 9;
  auto a = db::write_of({reserve("ord_a", 9, 1), raised});
  a.alerts = {n};
  d.run(a);
  CHECK(test::sql_value(d.url, "SELECT count(*) FROM notifications WHERE product_id = 9") == "1");
  CHECK(test::sql_value(d.url, "SELECT low_alert_armed || ' ' || low_alerts FROM stock WHERE "
                               "product_id = 9")
        == "false 1");
  auto again = db::write_of({reserve("ord_b", 9, 1)});
  again.alerts = {n};
  d.run(again);
  CHECK(test::sql_value(d.url, "SELECT count(*) FROM notifications WHERE product_id = 9") == "1");
}

TEST_CASE("quoted text survives the trip through SQL literals", "[inventory][pg]") {
  db d;
  auto text = std::string{"O'Brien; DROP TABLE stock; -- \\ \"x\" ünïcode"};
  CHECK(test::sql_value(d.url, "SELECT " + persistence::sql::lit(text)) == text);
  CHECK_THROWS(persistence::sql::lit(std::string{"nul\0byte", 8}));
}
