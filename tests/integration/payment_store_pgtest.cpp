#include "persistence/payment_store.hpp"
#include "tests/support/pg.hpp"
#include "tests/support/store_fixture.hpp"

#include <catch2/catch.hpp>

using namespace agora;
using namespace agora::protocol;
using namespace std::chrono_literals;
using agora::domain::payment_status;

namespace {

struct fixture : test::writer_store_fixture<payment_store_actor> {
  fixture() : writer_store_fixture(persistence::spawn_payment_store) {}

  /// The store's answer to `xs...`; an error fails the test.
  template <class... Ts>
  payment ask(Ts... xs) {
    auto [p, err] = writer_store_fixture::ask<payment>(xs...);
    if (err)
      FAIL(to_string(err));
    return p;
  }
};

payment charge(const std::string& id, const std::string& order) {
  return {id, order, payment_status::captured, 1250, "USD", 0, "", "4242"};
}

} // namespace

TEST_CASE("a group-committed charge is answered, a second one for the order gets the first",
          "[payments][pg]") {
  fixture f;
  CHECK(f.ask(charge_atom_v, charge("pay_1", "ord_1")).id == "pay_1");
  // The plain insert of pay_2 fails in the group commit; the workers answer the stored row.
  auto again = f.ask(charge_atom_v, charge("pay_2", "ord_1"));
  CHECK(again.id == "pay_1");
  CHECK(again.status == payment_status::captured);
  CHECK(test::sql_value(f.url, "SELECT count(*) FROM payments WHERE order_id = 'ord_1'") == "1");
}

TEST_CASE("a void before the charge makes the late charge answer VOIDED", "[payments][pg]") {
  fixture f;
  CHECK(f.ask(void_atom_v, std::string{"ord_2"}, std::string{"pay_v"}).status
        == payment_status::voided);
  auto late = f.ask(charge_atom_v, charge("pay_3", "ord_2"));
  CHECK(late.id == "pay_v");
  CHECK(late.status == payment_status::voided);
  CHECK(test::sql_value(f.url, "SELECT count(*) FROM payments WHERE order_id = 'ord_2'") == "1");
}
