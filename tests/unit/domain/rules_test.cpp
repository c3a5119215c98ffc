#include "actors/domain/inventory_rules.hpp"
#include "actors/domain/notifications.hpp"
#include "actors/domain/payment_rules.hpp"
#include "actors/domain/validation.hpp"

#include <catch2/catch.hpp>

using namespace agora::domain;

namespace {

order_request valid_request() {
  order_request r;
  r.customer_email = "ann@example.com";
  r.items = {{3, 2}};
  r.card_number = "4242424242424242";
  r.ship_to = {"Ann", "1 Main St", "", "Springfield", "12345", "US"};
  return r;
}

bool has_field(const std::vector<field_error>& errors, const std::string& field) {
  for (auto& e : errors)
    if (e.field == field)
      return true;
  return false;
}

} // namespace

TEST_CASE("a valid order request passes", "[validation]") {
  CHECK(validate(valid_request()).empty());
}

TEST_CASE("each invalid order field is reported by its path", "[validation]") {
  auto r = valid_request();
  r.customer_email = "not-an-email";
  CHECK(has_field(validate(r), "customer_email"));
  r = valid_request();
  r.items.clear();
  CHECK(has_field(validate(r), "items"));
  r.items.assign(101, {1, 1});
  CHECK(has_field(validate(r), "items"));
  r = valid_request();
  r.items = {{3, 0}, {3, 1}, {-1, 1001}};
  auto errors = validate(r);
  CHECK(has_field(errors, "items[0].quantity"));
  CHECK(has_field(errors, "items[1].product_id")); // duplicate
  CHECK(has_field(errors, "items[2].product_id"));
  CHECK(has_field(errors, "items[2].quantity"));
  r = valid_request();
  r.card_number = "4242424242424241";
  CHECK(has_field(validate(r), "payment.card_number"));
  r = valid_request();
  r.ship_to.city = "   ";
  r.ship_to.country = "";
  errors = validate(r);
  CHECK(has_field(errors, "shipping_address.city"));
  CHECK(has_field(errors, "shipping_address.country"));
}

TEST_CASE("emails are checked for a plausible shape", "[validation]") {
  CHECK(valid_email("ann@example.com"));
  CHECK(valid_email("a.b+tag@sub.example.co"));
  for (auto bad : {"", "ann", "ann@", "@example.com", "ann@example", "ann@@example.com",
                   "ann @example.com", "ann@example..com", "ann@.com", "a<b>@example.com"})
    CHECK_FALSE(valid_email(bad));
}

TEST_CASE("product requests are validated field by field", "[validation]") {
  product_request p{"SKU-1", "Mug", "", 1299, "USD", 10, 2};
  CHECK(validate(p).empty());
  p.sku = "bad sku!";
  p.price_cents = -1;
  p.currency = "usd";
  auto errors = validate(p);
  CHECK(has_field(errors, "sku"));
  CHECK(has_field(errors, "price_cents"));
  CHECK(has_field(errors, "currency"));
}

TEST_CASE("totals come from catalog prices", "[validation]") {
  CHECK(order_total({{1, 2, 1250}, {2, 3, 100}}) == 2800);
  CHECK(order_total({{1, 1000, 1000000000}}) == 1000000000000LL);
}

TEST_CASE("Luhn and the test cards decide the simulated issuer's answer", "[payment]") {
  CHECK(luhn_valid("4242424242424242"));
  CHECK(luhn_valid("4000000000000002"));
  CHECK(luhn_valid("4000000000009995"));
  CHECK_FALSE(luhn_valid("4242424242424241"));
  CHECK_FALSE(luhn_valid("4242-4242-4242-4242"));
  CHECK_FALSE(luhn_valid("42"));
  auto ok = tokenize_card("4242424242424242");
  CHECK(ok.last4 == "4242");
  CHECK(ok.token.find("4242424242424242") == std::string::npos); // no card number kept
  CHECK(issuer_answer(ok.token) == charge_result::approved);
  CHECK(issuer_answer(tokenize_card("4000000000000002").token) == charge_result::declined);
  CHECK(issuer_answer(tokenize_card("4000000000009995").token)
        == charge_result::insufficient_funds);
  CHECK(issuer_answer("tok_forged") == charge_result::declined);
}

TEST_CASE("a shard reserves all of an order's items or none", "[inventory]") {
  std::map<int64_t, stock_level> levels{{1, {1, 10, 8, 0, true}}, {2, {2, 5, 0, 0, true}}};
  CHECK(check_reservation(levels, {{1, 2, 0}, {2, 5, 0}}).ok);
  auto short_one = check_reservation(levels, {{1, 3, 0}, {2, 1, 0}});
  CHECK_FALSE(short_one.ok);
  CHECK(short_one.short_products == std::vector<int64_t>{1});
  auto unknown = check_reservation(levels, {{9, 1, 0}});
  CHECK_FALSE(unknown.ok);
  CHECK(unknown.unknown_products == std::vector<int64_t>{9});
}

TEST_CASE("the low-stock alert fires once per fall below the threshold", "[inventory]") {
  stock_level l{1, 10, 0, 3, true};
  CHECK_FALSE(low_stock_alert_due(l));
  l.reserved = 7; // available 3 == threshold
  REQUIRE(low_stock_alert_due(l));
  l.low_alert_armed = false;
  l.reserved = 9;
  CHECK_FALSE(low_stock_alert_due(l)); // already alerted
  rearm_low_stock_alert(l);
  CHECK_FALSE(l.low_alert_armed); // still low
  l.on_hand = 20;                 // restock
  rearm_low_stock_alert(l);
  CHECK(l.low_alert_armed);
}

TEST_CASE("money renders with two decimals and its currency", "[notify]") {
  CHECK(format_money(123456, "USD") == "1234.56 USD");
  CHECK(format_money(5, "EUR") == "0.05 EUR");
  product p{4, "MUG-1", "Mug", "", 1200, "USD"};
  auto n = low_stock_notification(p, {4, 10, 8, 2, false}, "ops@example.com", 3);
  CHECK(n.recipient == "ops@example.com");
  CHECK(n.product_id == 4);
  CHECK(n.dedupe_key == "stock:4:3");
  CHECK(n.subject.find("MUG-1") != std::string::npos);
}

TEST_CASE("text fields hold no control characters, prose keeps tab and newline", "[rules]") {
  using agora::domain::text_kind;
  using agora::domain::text_problem;
  CHECK(text_problem("Ann Smith, 1 Main St", text_kind::line).empty());
  CHECK(text_problem("caf\xc3\xa9 \xe2\x82\xac", text_kind::line).empty()); // UTF-8 is text
  CHECK(text_problem(std::string{"a\0b", 3}, text_kind::line)
        == "must not contain control characters");
  CHECK(!text_problem(std::string{"a\0b", 3}, text_kind::prose).empty());
  CHECK(!text_problem("tab\there", text_kind::line).empty());
  CHECK(text_problem("tab\there\nand a line", text_kind::prose).empty());
  CHECK(!text_problem("cr\r", text_kind::prose).empty());
  CHECK(!text_problem("del\x7f", text_kind::line).empty());
  CHECK(!text_problem("esc\x1b[31m", text_kind::prose).empty());
}
