#pragma once

#include "actors/domain/enum_text.hpp"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

// SQL text for batched statements. Group-committed writes send many statements in one round
// trip, so they are built as text with literals quoted here; connections run with
// standard_conforming_strings on (persistence::connect sets it), where doubling single quotes
// is the whole escaping rule. Text with a NUL byte (which PostgreSQL cannot store) is refused.
namespace agora::persistence::sql {

/// 'text' with quotes doubled; throws std::invalid_argument on a NUL byte.
std::string lit(std::string_view text);

/// A number literal.
std::string lit(int64_t value);

/// NULL for an empty string, else lit(text).
std::string lit_or_null(std::string_view text);

/// to_timestamp(ms / 1000.0): a timestamptz from unix milliseconds.
std::string ts(int64_t unix_ms);

/// 'json'::jsonb from already serialised JSON.
std::string jsonb(std::string_view json);

/// "a, b, c" from literals.
std::string list(const std::vector<std::string>& literals);

/// The literal of an enum's text ('PAID').
template <class Enum, class = decltype(text_table(Enum{}))>
std::string lit(Enum value) {
  return lit(domain::to_string(value));
}

/// The enum a column spells (the schema's CHECK constraints allow the same words); throws
/// std::runtime_error on any other text.
template <class Enum>
Enum enum_of(std::string_view text) {
  if (auto value = domain::from_text<Enum>(text))
    return *value;
  throw std::runtime_error("unexpected value in the database: " + std::string{text});
}

} // namespace agora::persistence::sql
