#pragma once

#include <optional>
#include <string_view>

// Enums and their text, through one table per enum: journal codecs, JSON, SQL and logs spell a
// value the same way, and the spelling sits next to the enum's declaration. An enum takes part by
// declaring, in its own namespace, a table of {value, text} pairs and `text_table(E)` answering it
// (found by argument-dependent lookup):
//
//   enum class colour : uint8_t { red, green };
//   inline constexpr enum_text<colour> colour_names[] = {{colour::red, "RED"}, ...};
//   constexpr auto& text_table(colour) { return colour_names; }
namespace agora::domain {

template <class Enum>
struct enum_text {
  Enum value;
  std::string_view text;
};

/// The text of `value` (empty for a value the table lacks).
template <class Enum, class = decltype(text_table(Enum{}))>
constexpr std::string_view to_string(Enum value) {
  for (auto& entry : text_table(value))
    if (entry.value == value)
      return entry.text;
  return {};
}

/// The value spelled `text`, or nothing.
template <class Enum>
constexpr std::optional<Enum> from_text(std::string_view text) {
  for (auto& entry : text_table(Enum{}))
    if (entry.text == text)
      return entry.value;
  return std::nullopt;
}

} // namespace agora::domain
