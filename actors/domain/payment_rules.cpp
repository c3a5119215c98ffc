#include "actors/domain/payment_rules.hpp"

namespace agora::domain {

bool luhn_valid(std::string_view number) {
  if (number.size() < 12 || number.size() > 19)
    return false;
  int sum = 0;
  bool twice = false;
  for (auto i = number.size(); i-- > 0;) {
    char c = number[i];
    if (c < '0' || c > '9')
      return false;
    int d = c - '0';
    if (twice) {
      d *= 2;
      if (d > 9)
        d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

card_token tokenize_card(std::string_view number) {
  std::string behaviour = "approve";
  if (number == "4000000000000002")
    behaviour = "decline";
  else if (number == "4000000000009995")
    behaviour = "nofunds";
  auto last4 = std::string{number.substr(number.size() >= 4 ? number.size() - 4 : 0)};
  return {"tok_" + behaviour + "_" + last4, last4};
}

charge_result issuer_answer(std::string_view token) {
  if (token.rfind("tok_approve_", 0) == 0)
    return charge_result::approved;
  if (token.rfind("tok_nofunds_", 0) == 0)
    return charge_result::insufficient_funds;
  return charge_result::declined;
}

} // namespace agora::domain
