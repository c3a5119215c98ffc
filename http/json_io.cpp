#include "http/json_io.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <ctime>

namespace agora::http {

json product_json(const domain::product& p, int64_t available) {
  return {{"id", p.id},
          {"sku", p.sku},
          {"name", p.name},
          {"description", p.description},
          {"price_cents", p.price_cents},
          {"currency", p.currency},
          {"available", available}};
}

json stock_json(const domain::stock_level& l) {
  return {{"product_id", l.product_id},
          {"on_hand", l.on_hand},
          {"reserved", l.reserved},
          {"available", l.available()},
          {"low_stock_threshold", l.low_stock_threshold}};
}

std::string rfc3339(int64_t ms) {
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

json order_json(const protocol::order_view& v) {
  auto items = json::array();
  for (auto& i : v.items)
    items.push_back({{"product_id", i.product_id},
                     {"quantity", i.quantity},
                     {"unit_price_cents", i.unit_price_cents}});
  auto& a = v.ship_to;
  json out{{"id", v.id},
           {"status", domain::to_string(v.status)},
           {"reason", nullptr},
           {"customer_email", v.customer_email},
           {"items", std::move(items)},
           {"total_cents", v.total_cents},
           {"currency", v.currency},
           {"shipping_address",
            {{"name", a.name},
             {"line1", a.line1},
             {"line2", a.line2},
             {"city", a.city},
             {"postal_code", a.postal_code},
             {"country", a.country}}},
           {"created_at", rfc3339(v.created_at_ms)},
           {"updated_at", rfc3339(v.updated_at_ms)},
           {"payment", nullptr},
           {"shipment", nullptr}};
  if (v.reason != domain::order_reason::none)
    out["reason"] = domain::to_string(v.reason);
  if (!v.payment_id.empty())
    out["payment"] = {{"id", v.payment_id},
                      {"status", domain::to_string(v.payment_status)},
                      {"amount_cents", v.payment_amount_cents}};
  if (!v.shipment_id.empty())
    out["shipment"] = {{"id", v.shipment_id},
                       {"status", domain::to_string(v.shipment_status)},
                       {"tracking_number", v.tracking_number},
                       {"carrier", v.carrier}};
  return out;
}

void respond_json_text(const exchange_ptr& ex, int status, std::string text) {
  ex->respond(status, std::move(text));
}

void respond_json(const exchange_ptr& ex, int status, const json& body, header_list extra) {
  ex->respond(status, body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json",
              std::move(extra));
}

std::optional<json> parse_object(const exchange_ptr& ex) {
  auto body = json::parse(ex->body(), nullptr, false);
  if (body.is_discarded()) {
    ex->respond_problem(
      make_problem(protocol::errc::invalid_argument, "the body is not valid JSON"));
    return std::nullopt;
  }
  if (!body.is_object()) {
    ex->respond_problem(
      make_problem(protocol::errc::invalid_argument, "the body must be a JSON object"));
    return std::nullopt;
  }
  return body;
}

field_reader::field_reader(const json& object, std::vector<field_error>& errors, std::string prefix)
  : object_(object), errors_(errors), prefix_(std::move(prefix)) {}

bool field_reader::has(const std::string& key) const {
  auto i = object_.find(key);
  return i != object_.end() && !i->is_null();
}

std::string field_reader::text(const std::string& key, bool required, std::string fallback,
                               domain::text_kind kind) {
  auto i = object_.find(key);
  if (i == object_.end() || i->is_null()) {
    if (required)
      errors_.push_back({prefix_ + key, "is required"});
    return fallback;
  }
  if (!i->is_string()) {
    errors_.push_back({prefix_ + key, "must be a string"});
    return fallback;
  }
  auto& text = i->get_ref<const std::string&>();
  if (auto why = domain::text_problem(text, kind); !why.empty()) {
    errors_.push_back({prefix_ + key, std::string{why}});
    return fallback;
  }
  return text;
}

int64_t field_reader::integer(const std::string& key, bool required, int64_t fallback, int64_t min,
                              int64_t max) {
  auto i = object_.find(key);
  if (i == object_.end() || i->is_null()) {
    if (required)
      errors_.push_back({prefix_ + key, "is required"});
    return fallback;
  }
  if (!i->is_number_integer()) {
    errors_.push_back({prefix_ + key, "must be an integer"});
    return fallback;
  }
  if (i->is_number_unsigned() && i->get<uint64_t>() > static_cast<uint64_t>(max)) {
    errors_.push_back(
      {prefix_ + key, "must be " + std::to_string(min) + ".." + std::to_string(max)});
    return fallback;
  }
  auto v = i->get<int64_t>();
  if (v < min || v > max) {
    errors_.push_back(
      {prefix_ + key, "must be " + std::to_string(min) + ".." + std::to_string(max)});
    return fallback;
  }
  return v;
}

std::optional<int64_t> field_reader::optional_integer(const std::string& key, int64_t min,
                                                      int64_t max) {
  if (!has(key))
    return std::nullopt;
  auto before = errors_.size();
  auto v = integer(key, true, 0, min, max);
  if (errors_.size() != before)
    return std::nullopt;
  return v;
}

void add_rule_errors(std::vector<field_error>& errors, std::vector<field_error> rule_errors) {
  auto reported = errors.size();
  for (auto& e : rule_errors)
    if (std::none_of(errors.begin(), errors.begin() + static_cast<std::ptrdiff_t>(reported),
                     [&](const field_error& seen) {
                       return seen.field == e.field;
                     }))
      errors.push_back(std::move(e));
}

namespace {

bool to_int(std::string_view text, int64_t& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size() && !text.empty();
}

} // namespace

std::optional<page_params> parse_page(const exchange_ptr& ex) {
  page_params page;
  std::vector<field_error> errors;
  int64_t v = 0;
  if (auto limit = ex->query("limit")) {
    if (!to_int(*limit, v) || v < 1 || v > 500)
      errors.push_back({"limit", "must be an integer 1..500"});
    else
      page.limit = static_cast<int32_t>(v);
  }
  if (auto offset = ex->query("offset")) {
    if (!to_int(*offset, v) || v < 0 || v > 100000000)
      errors.push_back({"offset", "must be an integer >= 0"});
    else
      page.offset = static_cast<int32_t>(v);
  }
  if (!errors.empty()) {
    ex->respond_problem(invalid(std::move(errors)));
    return std::nullopt;
  }
  return page;
}

json page_json(json items, int64_t total, const page_params& page) {
  return {
    {"items", std::move(items)}, {"total", total}, {"limit", page.limit}, {"offset", page.offset}};
}

std::optional<int64_t> id_param(const exchange_ptr& ex, std::string_view name) {
  int64_t id = 0;
  if (!to_int(ex->param(name), id) || id <= 0) {
    ex->respond_problem(make_problem(protocol::errc::not_found, "no such resource"));
    return std::nullopt;
  }
  return id;
}

} // namespace agora::http
