#pragma once

#include "actors/domain/types.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// Validation of what clients send, before any actor is asked. The front door maps JSON onto these
// plain structs (reporting type errors itself) and these rules report every invalid field.
namespace agora::domain {

struct requested_item {
  int64_t product_id = 0;
  int64_t quantity = 0;
};

struct order_request {
  std::string customer_email;
  std::vector<requested_item> items;
  std::string card_number;
  address ship_to;
};

constexpr size_t max_items = 100;
constexpr int64_t max_quantity = 1000;

bool valid_email(std::string_view email);

/// What a text field may hold besides printable characters: a `line` (names, addresses, emails,
/// query values) holds no control character at all; `prose` (a description) may hold tab and
/// newline. NUL, the other C0 controls and DEL are never allowed: nothing is silently cut.
enum class text_kind { line, prose };

/// Why `text` is not allowed as `kind` ("must not contain control characters"), or empty.
std::string_view text_problem(std::string_view text, text_kind kind);

/// Every rule of the contract: valid email, 1..100 items, quantity 1..1000, distinct positive
/// product ids, a Luhn-valid card, non-empty address fields (each at most 200 characters).
std::vector<field_error> validate(const order_request& request);

struct product_request {
  std::string sku;
  std::string name;
  std::string description;
  int64_t price_cents = 0;
  std::string currency = "USD";
  int64_t initial_stock = 0;
  int64_t low_stock_threshold = 5;
};

/// sku 1..64 of [A-Za-z0-9-_.], name 1..200, description <= 2000, price 0..10^9 cents,
/// currency three upper-case letters, stock and threshold 0..10^6.
std::vector<field_error> validate(const product_request& request);

/// The total of the priced items; every unit price comes from the catalog.
int64_t order_total(const std::vector<line_item>& items);

} // namespace agora::domain
