#include "http/request_context.hpp"

#include "runtime/base/random.hpp"
#include "runtime/base/secrets.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cctype>
#include <charconv>

namespace agora::http {

namespace {

bool is_hex(std::string_view s) {
  for (char c : s)
    if (!std::isxdigit(static_cast<unsigned char>(c))
        || std::isupper(static_cast<unsigned char>(c)))
      return false;
  return true;
}

bool all_zero(std::string_view s) {
  return s.find_first_not_of('0') == std::string_view::npos;
}

std::string lower(std::string_view s) {
  std::string out{s};
  for (auto& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

} // namespace

std::string request_id_for(std::optional<std::string_view> client_value) {
  if (client_value && !client_value->empty() && client_value->size() <= 128) {
    bool ok = true;
    for (char c : *client_value)
      ok = ok && c > 0x20 && c < 0x7f && c != '"' && c != '\\';
    if (ok)
      return std::string{*client_value};
  }
  return random_hex(16);
}

trace_context trace_for(std::optional<std::string_view> traceparent) {
  trace_context out;
  std::string flags = "01";
  if (traceparent) {
    auto tp = trim(*traceparent);
    if (tp.size() == 55 && tp.substr(0, 3) == "00-" && tp[35] == '-' && tp[52] == '-') {
      auto trace = tp.substr(3, 32);
      auto parent = tp.substr(36, 16);
      auto fl = tp.substr(53, 2);
      if (is_hex(trace) && is_hex(parent) && is_hex(fl) && !all_zero(trace) && !all_zero(parent)) {
        out.trace_id = std::string{trace};
        flags = std::string{fl};
      }
    }
  }
  if (out.trace_id.empty())
    out.trace_id = random_hex(16);
  out.traceparent = "00-" + out.trace_id + "-" + random_hex(8) + "-" + flags;
  return out;
}

credential read_credential(std::optional<std::string_view> authorization,
                           std::optional<std::string_view> access_token,
                           const std::map<std::string, std::string>& tokens) {
  credential out;
  std::string_view token;
  if (authorization) {
    constexpr std::string_view scheme = "bearer ";
    if (authorization->size() <= scheme.size()
        || lower(authorization->substr(0, scheme.size())) != scheme) {
      out.what = credential::kind::malformed;
      return out;
    }
    token = trim(authorization->substr(scheme.size()));
  } else if (access_token) {
    token = *access_token;
    if (token.rfind("oat_", 0) != 0) {
      out.what = credential::kind::unknown;
      return out;
    }
  } else {
    return out;
  }
  out.token = std::string{token};
  for (auto& [known, role] : tokens)
    if (secrets::same(token, known)) {
      out.what = credential::kind::staff;
      out.role = role;
    }
  if (out.what == credential::kind::staff)
    return out;
  // 4-character prefix and 43 characters of base64url: anything else cannot be ours.
  bool shaped = token.size() == 47 && std::all_of(token.begin() + 4, token.end(), [](char c) {
                  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
                });
  if (shaped && token.rfind("ses_", 0) == 0)
    out.what = credential::kind::session;
  else if (shaped && token.rfind("oat_", 0) == 0)
    out.what = credential::kind::order_token;
  else
    out.what = credential::kind::unknown;
  return out;
}

std::optional<problem> permit(access rule, const caller& who) {
  using k = caller_kind;
  auto unauthenticated = [](const char* needs) {
    return make_problem(protocol::errc::unauthenticated,
                        std::string{"this endpoint needs "} + needs);
  };
  auto forbidden = [](const char* needs) {
    return make_problem(protocol::errc::forbidden, std::string{"this endpoint needs "} + needs);
  };
  bool known = who.kind == k::customer || who.staff(); // a guest is no one beyond their order
  switch (rule) {
    case access::everyone: return std::nullopt;
    case access::order_holder:
      if (who.kind == k::anonymous)
        return unauthenticated("a session, a staff token or the order's access token");
      return std::nullopt;
    case access::customer:
      if (!known)
        return unauthenticated("a customer session or a staff token");
      return std::nullopt;
    case access::account:
      if (!known)
        return unauthenticated("a customer session");
      if (who.kind != k::customer)
        return forbidden("a customer session");
      return std::nullopt;
    case access::operator_role:
      if (!known)
        return unauthenticated("Authorization: Bearer <staff token>");
      if (!who.staff())
        return forbidden("the operator role");
      return std::nullopt;
    case access::metrics_reader:
      if (who.staff() || who.trusted_address)
        return std::nullopt;
      if (who.kind == k::customer)
        return forbidden("a staff token (or a client address in --metrics-allow)");
      return unauthenticated("a staff token (or a client address in --metrics-allow)");
    case access::admin_role:
      if (!known)
        return unauthenticated("Authorization: Bearer <staff token>");
      if (who.kind != k::admin_staff)
        return forbidden("the admin role");
      return std::nullopt;
  }
  return unauthenticated("credentials");
}

namespace {

/// The address's bytes (4 for IPv4, 16 for IPv6); false when it is neither.
bool address_bytes(const std::string& text, std::array<uint8_t, 16>& out, bool& v6) {
  v6 = text.find(':') != std::string::npos;
  return inet_pton(v6 ? AF_INET6 : AF_INET, text.c_str(), out.data()) == 1;
}

} // namespace

std::optional<std::vector<address_range>> parse_ranges(std::string_view text, std::string& error) {
  std::vector<address_range> out;
  while (!text.empty()) {
    auto comma = text.find(',');
    auto item = trim(text.substr(0, comma));
    auto slash = item.find('/');
    address_range r;
    std::string address{item.substr(0, slash)};
    if (!address_bytes(address, r.net, r.v6)) {
      error = "'" + std::string{item} + "' is not an address or address/bits";
      return std::nullopt;
    }
    int max = r.v6 ? 128 : 32;
    r.bits = max;
    if (slash != std::string_view::npos) {
      auto digits = item.substr(slash + 1);
      auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), r.bits);
      if (ec != std::errc{} || end != digits.data() + digits.size() || r.bits < 0 || r.bits > max) {
        error = "'" + std::string{item} + "': bits must be 0.." + std::to_string(max);
        return std::nullopt;
      }
    }
    out.push_back(r);
    if (comma == std::string_view::npos)
      break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

bool address_in(std::string_view address, const std::vector<address_range>& ranges) {
  std::array<uint8_t, 16> bytes{};
  bool v6 = false;
  if (!address_bytes(std::string{address}, bytes, v6))
    return false;
  for (auto& r : ranges) {
    if (r.v6 != v6)
      continue;
    bool inside = true;
    for (int bit = 0; bit < r.bits && inside; ++bit) {
      uint8_t mask = static_cast<uint8_t>(0x80 >> (bit % 8));
      inside = (bytes[bit / 8] & mask) == (r.net[bit / 8] & mask);
    }
    if (inside)
      return true;
  }
  return false;
}

std::optional<std::map<std::string, std::string>> parse_tokens(std::string_view text,
                                                               std::string& error) {
  std::map<std::string, std::string> out;
  while (!text.empty()) {
    auto comma = text.find(',');
    auto item = trim(text.substr(0, comma));
    auto colon = item.rfind(':');
    if (colon == std::string_view::npos || colon == 0) {
      error = "expected token:role";
      return std::nullopt;
    }
    auto token = item.substr(0, colon);
    auto role = item.substr(colon + 1);
    if (role != "admin" && role != "operator") {
      error = "role must be admin or operator, not '" + std::string{role} + "'";
      return std::nullopt;
    }
    if (token.size() < 16) {
      error = "tokens must be at least 16 characters";
      return std::nullopt;
    }
    out.emplace(std::string{token}, std::string{role});
    if (comma == std::string_view::npos)
      break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

bool is_json_content_type(std::string_view value) {
  auto semi = value.find(';');
  return lower(trim(value.substr(0, semi))) == "application/json";
}

} // namespace agora::http
