#include "persistence/payment_store.hpp"
#include "persistence/writer.hpp"
#include "tests/support/pg.hpp"
#include "tests/support/store_fixture.hpp"

#include <caf/scoped_actor.hpp>
#include <catch2/catch.hpp>

using namespace agora;
using namespace agora::protocol;
using namespace std::chrono_literals;

namespace {

struct fixture : test::store_fixture {
  persistence::writer w{url, hub.registry()};
  payment_store_actor store;

  fixture() : store_fixture(2) {
    store = persistence::spawn_payment_store(*sys, *pool, w, 2, registry);
  }

  ~fixture() {
    caf::anon_send_exit(store, caf::exit_reason::user_shutdown);
  }

  template <class... Ts>
  payment ask(Ts... xs) {
    caf::scoped_actor self{*sys};
    payment out;
    self->request(store, 10s, xs...)
      .receive(
        [&](payment& p) {
          out = std::move(p);
        },
        [](caf::error& err) {
          FAIL(to_string(err));
        });
    return out;
  }
};

payment charge(const std::string& id, const std::string& order) {
  return {id, order, "CAPTURED", 1250, "USD", 0, "", "4242"};
}

} // namespace

TEST_CASE("a group-committed charge is answered, a second one for the order gets the first",
          "[payments][pg]") {
  fixture f;
  CHECK(f.ask(charge_atom_v, charge("pay_1", "ord_1")).id == "pay_1");
  // The plain insert of pay_2 fails in the group commit; the workers answer the stored row.
  auto again = f.ask(charge_atom_v, charge("pay_2", "ord_1"));
  CHECK(again.id == "pay_1");
  CHECK(again.status == "CAPTURED");
  CHECK(test::sql_value(f.url, "SELECT count(*) FROM payments WHERE order_id = 'ord_1'") == "1");
}

TEST_CASE("a void before the charge makes the late charge answer VOIDED", "[payments][pg]") {
  fixture f;
  CHECK(f.ask(void_atom_v, std::string{"ord_2"}, std::string{"pay_v"}).status == "VOIDED");
  auto late = f.ask(charge_atom_v, charge("pay_3", "ord_2"));
  CHECK(late.id == "pay_v");
  CHECK(late.status == "VOIDED");
  CHECK(test::sql_value(f.url, "SELECT count(*) FROM payments WHERE order_id = 'ord_2'") == "1");
}
