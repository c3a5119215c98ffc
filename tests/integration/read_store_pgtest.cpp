#include "persistence/read_store.hpp"
#include "tests/support/pg.hpp"
#include "tests/support/store_fixture.hpp"

#include <caf/scoped_actor.hpp>
#include <catch2/catch.hpp>

#include <algorithm>

using namespace agora;
using namespace agora::protocol;
using namespace std::chrono_literals;

namespace {

struct fixture : test::store_fixture {
  read_store_actor reads;

  fixture() : store_fixture(2) {
    reads = persistence::spawn_read_store(*sys, *pool, 1, registry);
  }

  ~fixture() {
    caf::anon_send_exit(reads, caf::exit_reason::user_shutdown);
  }

  /// An order in `status` whose shipment is in `shipment_status` since `ago` seconds.
  void order(const std::string& id, const std::string& status, const std::string& shipment_status,
             int ago) {
    bool settled = status == "DELIVERED";
    bool ended = shipment_status == "DELIVERED" || shipment_status == "CANCELLED";
    test::sql_value(url, "INSERT INTO orders (id, status, customer_email, items, total_cents, "
                         "currency, shipping_address, version, settled, created_at, updated_at) "
                         "VALUES ('"
                           + id + "', '" + status
                           + "', 'ann@example.com', '[]', 100, 'USD', '{}', 4, "
                           + (settled ? "true" : "false") + ", now(), now())");
    test::sql_value(url, "INSERT INTO shipments (id, order_id, status, tracking_number, carrier, "
                         "updated_at, ended_at) VALUES ('shp_"
                           + id + "', '" + id + "', '" + shipment_status + "', '1Z" + id
                           + "', 'UPS', now() - interval '" + std::to_string(ago) + " s', "
                           + (ended ? "now()" : "NULL") + ")");
  }

  /// An order in `status`, settled or not, with or without a shipment it heard of.
  void projection(const std::string& id, const std::string& status, bool settled,
                  bool has_shipment) {
    test::sql_value(url, "INSERT INTO orders (id, status, customer_email, items, total_cents, "
                         "currency, shipping_address, shipment_id, version, settled, created_at, "
                         "updated_at) VALUES ('"
                           + id + "', '" + status + "', 'ann@example.com', '[]', 100, 'USD', '{}', "
                           + (has_shipment ? "'shp_" + id + "'" : std::string{"NULL"}) + ", 4, "
                           + (settled ? "true" : "false") + ", now(), now())");
  }

  /// The ids a read answers, sorted.
  template <class... Ts>
  std::vector<std::string> ids(Ts... msg) {
    caf::scoped_actor self{*sys};
    std::vector<std::string> out;
    self->request(reads, 10s, msg...)
      .receive(
        [&](std::vector<std::string>& found) {
          out = std::move(found);
        },
        [&](caf::error& err) {
          FAIL(sys->render(err));
        });
    std::sort(out.begin(), out.end());
    return out;
  }

  std::vector<std::string> owing() {
    return ids(unsettled_atom_v);
  }

  std::vector<std::string> lagging(int64_t older_than_ms) {
    return ids(lagging_atom_v, older_than_ms);
  }
};

} // namespace

TEST_CASE("lagging names the orders whose shipment moved on a while ago without them",
          "[reads][pg]") {
  fixture f;
  f.order("ord_shipped_delivered", "SHIPPED", "DELIVERED", 10); // lost: delivered
  f.order("ord_paid_in_transit", "PAID", "IN_TRANSIT", 10);     // lost: picked up
  f.order("ord_paid_delivered", "PAID", "DELIVERED", 10);       // lost both
  f.order("ord_paid_out", "PAID", "OUT_FOR_DELIVERY", 10);      // lost: picked up
  f.order("ord_fresh", "SHIPPED", "DELIVERED", 0);              // the news is on its way
  f.order("ord_in_step", "SHIPPED", "IN_TRANSIT", 10);          // heard it
  f.order("ord_out", "SHIPPED", "OUT_FOR_DELIVERY", 10);        // nothing more to hear
  f.order("ord_waiting", "PAID", "LABEL_CREATED", 10);          // not picked up yet
  f.order("ord_done", "DELIVERED", "DELIVERED", 10);            // settled
  CHECK(f.lagging(5000)
        == std::vector<std::string>{"ord_paid_delivered", "ord_paid_in_transit", "ord_paid_out",
                                    "ord_shipped_delivered"});
  CHECK(f.lagging(20000).empty()); // none moved as long ago as that
}

TEST_CASE("unsettled names the orders owing a step of their own, not those awaiting news",
          "[reads][pg]") {
  fixture f;
  f.projection("ord_pending", "PENDING", false, false);       // reserves
  f.projection("ord_reserved", "RESERVED", false, false);     // charges
  f.projection("ord_paid", "PAID", false, false);             // creates its shipment
  f.projection("ord_paid_shipping", "PAID", false, true);     // awaits the carrier's news
  f.projection("ord_shipped", "SHIPPED", false, true);        // awaits the delivery's news
  f.projection("ord_delivered", "DELIVERED", false, true);    // commits its stock
  f.projection("ord_cancelled", "CANCELLED", false, true);    // compensates
  f.projection("ord_done", "DELIVERED", true, true);          // settled
  f.projection("ord_rejected_done", "REJECTED", true, false); // settled
  CHECK(f.owing()
        == std::vector<std::string>{"ord_cancelled", "ord_delivered", "ord_paid", "ord_pending",
                                    "ord_reserved"});
}
