#pragma once

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

struct card_token {
  std::string token; ///< "tok_<behaviour>_<last4>"
  std::string last4;
};

/// Tokenizes a Luhn-valid test card: 4000000000000002 declines, 4000000000009995 declines for
/// insufficient funds, any other number is approved.
card_token tokenize_card(std::string_view number);

/// What the simulated issuer answers for a token; unknown tokens decline.
charge_result issuer_answer(std::string_view token);

std::string_view to_string(charge_result r);

} // namespace agora::domain
