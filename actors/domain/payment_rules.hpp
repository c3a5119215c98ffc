#pragma once

#include "actors/domain/enum_text.hpp"

#include <string>
#include <string_view>

// The simulated card gateway. The front door tokenizes the card number at once, as a real
// gateway's client library would, so no card number is ever stored or journaled: the token says
// how the simulated issuer will answer (like a payment provider's test tokens) and carries the
// last four digits for display.
namespace agora::domain {

/// True when `number` is 12..19 digits and passes the Luhn check.
bool luhn_valid(std::string_view number);

enum class charge_result { approved, declined, insufficient_funds };

inline constexpr enum_text<charge_result> charge_result_names[] = {
  {charge_result::approved, "approved"},
  {charge_result::declined, "card_declined"},
  {charge_result::insufficient_funds, "insufficient_funds"}};
constexpr auto& text_table(charge_result) {
  return charge_result_names;
}

struct card_token {
  std::string token; ///< "tok_<behaviour>_<last4>"
  std::string last4;
};

/// Tokenizes a Luhn-valid test card: 4000000000000002 declines, 4000000000009995 declines for
/// insufficient funds, any other number is approved.
card_token tokenize_card(std::string_view number);

/// What the simulated issuer answers for a token; unknown tokens decline.
charge_result issuer_answer(std::string_view token);

} // namespace agora::domain
