#include "actors/domain/validation.hpp"

#include "actors/domain/payment_rules.hpp"

#include <cctype>
#include <set>

namespace agora::domain {

namespace {

bool blank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

void require_text(std::vector<field_error>& out, const std::string& field, std::string_view value,
                  size_t max) {
  if (blank(value))
    out.push_back({field, "must not be empty"});
  else if (value.size() > max)
    out.push_back({field, "must be at most " + std::to_string(max) + " characters"});
}

} // namespace

bool valid_email(std::string_view email) {
  if (email.size() < 3 || email.size() > 254)
    return false;
  auto at = email.find('@');
  if (at == std::string_view::npos || at == 0 || at > 64 || email.find('@', at + 1) != email.npos)
    return false;
  auto domain = email.substr(at + 1);
  auto dot = domain.rfind('.');
  if (domain.empty() || dot == std::string_view::npos || dot == 0 || dot + 1 == domain.size()
      || domain.front() == '-' || domain.find("..") != domain.npos)
    return false;
  for (unsigned char c : email)
    if (c <= ' ' || c == 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == ','
        || c == ';' || c == '(' || c == ')' || c == '[' || c == ']')
      return false;
  return true;
}

std::string_view text_problem(std::string_view text, text_kind kind) {
  for (unsigned char c : text) {
    bool allowed = kind == text_kind::prose && (c == '\t' || c == '\n');
    if ((c < 0x20 || c == 0x7f) && !allowed)
      return kind == text_kind::prose
               ? "must not contain control characters other than tab and newline"
               : "must not contain control characters";
  }
  return {};
}

std::vector<field_error> validate(const order_request& r) {
  std::vector<field_error> out;
  if (!valid_email(r.customer_email))
    out.push_back({"customer_email", "must be a valid email address"});
  if (r.items.empty() || r.items.size() > max_items)
    out.push_back({"items", "must hold 1.." + std::to_string(max_items) + " items"});
  std::set<int64_t> seen;
  for (size_t i = 0; i < r.items.size() && i < max_items; ++i) {
    auto prefix = "items[" + std::to_string(i) + "].";
    auto& item = r.items[i];
    if (item.product_id <= 0)
      out.push_back({prefix + "product_id", "must be a positive product id"});
    else if (!seen.insert(item.product_id).second)
      out.push_back({prefix + "product_id", "appears twice; list each product once"});
    if (item.quantity < 1 || item.quantity > max_quantity)
      out.push_back({prefix + "quantity", "must be 1.." + std::to_string(max_quantity)});
  }
  if (!luhn_valid(r.card_number))
    out.push_back({"payment.card_number", "must be a valid card number"});
  require_text(out, "shipping_address.name", r.ship_to.name, 200);
  require_text(out, "shipping_address.line1", r.ship_to.line1, 200);
  if (r.ship_to.line2.size() > 200)
    out.push_back({"shipping_address.line2", "must be at most 200 characters"});
  require_text(out, "shipping_address.city", r.ship_to.city, 200);
  require_text(out, "shipping_address.postal_code", r.ship_to.postal_code, 32);
  require_text(out, "shipping_address.country", r.ship_to.country, 64);
  return out;
}

std::vector<field_error> validate(const product_request& r) {
  std::vector<field_error> out;
  bool sku_ok = !r.sku.empty() && r.sku.size() <= 64;
  for (unsigned char c : r.sku)
    sku_ok = sku_ok && (std::isalnum(c) || c == '-' || c == '_' || c == '.');
  if (!sku_ok)
    out.push_back({"sku", "must be 1..64 characters of letters, digits, '-', '_' or '.'"});
  require_text(out, "name", r.name, 200);
  if (r.description.size() > 2000)
    out.push_back({"description", "must be at most 2000 characters"});
  if (r.price_cents < 0 || r.price_cents > 1000000000)
    out.push_back({"price_cents", "must be 0..1000000000"});
  bool currency_ok = r.currency.size() == 3;
  for (char c : r.currency)
    currency_ok = currency_ok && c >= 'A' && c <= 'Z';
  if (!currency_ok)
    out.push_back({"currency", "must be an ISO 4217 code such as USD"});
  if (r.initial_stock < 0 || r.initial_stock > 1000000)
    out.push_back({"initial_stock", "must be 0..1000000"});
  if (r.low_stock_threshold < 0 || r.low_stock_threshold > 1000000)
    out.push_back({"low_stock_threshold", "must be 0..1000000"});
  return out;
}

int64_t order_total(const std::vector<line_item>& items) {
  int64_t total = 0;
  for (auto& i : items)
    total += i.unit_price_cents * i.quantity;
  return total;
}

} // namespace agora::domain
