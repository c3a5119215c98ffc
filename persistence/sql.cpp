#include "persistence/sql.hpp"

#include <stdexcept>

namespace agora::persistence::sql {

std::string lit(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '\'';
  for (char c : text) {
    if (c == '\0')
      throw std::invalid_argument("text with a NUL byte cannot be stored");
    if (c == '\'')
      out += '\'';
    out += c;
  }
  out += '\'';
  return out;
}

std::string lit(int64_t value) {
  return std::to_string(value);
}

std::string lit_or_null(std::string_view text) {
  return text.empty() ? std::string{"NULL"} : lit(text);
}

std::string ts(int64_t unix_ms) {
  return "to_timestamp(" + std::to_string(unix_ms) + " / 1000.0)";
}

std::string jsonb(std::string_view json) {
  return lit(json) + "::jsonb";
}

std::string list(const std::vector<std::string>& literals) {
  std::string out;
  for (auto& l : literals) {
    if (!out.empty())
      out += ", ";
    out += l;
  }
  return out;
}

} // namespace agora::persistence::sql
