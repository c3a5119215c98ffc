#pragma once

#include "actors/domain/types.hpp"
#include "actors/domain/validation.hpp"
#include "actors/protocol/order.hpp"
#include "http/exchange.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

// JSON in and out of the front door: documents for the domain's values, and readers that turn a
// request body into plain structs while collecting every invalid field.
namespace agora::http {

using nlohmann::json;

json product_json(const domain::product& p, int64_t available);
json stock_json(const domain::stock_level& level);
json order_json(const protocol::order_view& order);

/// "2026-11-24T22:30:00.123Z" from unix milliseconds.
std::string rfc3339(int64_t unix_ms);

/// Answers with JSON text the database built.
void respond_json_text(const exchange_ptr& ex, int status, std::string text);

/// Answers `status` with `body` as application/json.
void respond_json(const exchange_ptr& ex, int status, const json& body, header_list extra = {});

/// The body as a JSON object, or nullopt after answering 400 (malformed JSON, not an object).
std::optional<json> parse_object(const exchange_ptr& ex);

/// Reads typed fields of one JSON object, recording a field_error for each wrong or missing one.
class field_reader {
 public:
  field_reader(const json& object, std::vector<field_error>& errors, std::string prefix = {});

  /// A string field; one with a control character (see domain::text_problem) is an error.
  std::string text(const std::string& key, bool required, std::string fallback = {},
                   domain::text_kind kind = domain::text_kind::line);
  int64_t integer(const std::string& key, bool required, int64_t fallback, int64_t min,
                  int64_t max);
  std::optional<int64_t> optional_integer(const std::string& key, int64_t min, int64_t max);
  bool has(const std::string& key) const;

 private:
  const json& object_;
  std::vector<field_error>& errors_;
  std::string prefix_;
};

/// Adds the domain's `rule_errors` for every field the reader did not already find wrong, so one
/// answer names every invalid field once.
void add_rule_errors(std::vector<field_error>& errors, std::vector<field_error> rule_errors);

struct page_params {
  int32_t limit = 50;
  int32_t offset = 0;
};

/// ?limit= (1..500, default 50) and ?offset= (>= 0, default 0); nullopt after answering 400.
std::optional<page_params> parse_page(const exchange_ptr& ex);

/// {"items": [...], "total": N, "limit": L, "offset": O}
json page_json(json items, int64_t total, const page_params& page);

/// A positive integer path parameter; nullopt after answering 404 (no such resource).
std::optional<int64_t> id_param(const exchange_ptr& ex, std::string_view name);

} // namespace agora::http
