#pragma once

#include "http/caller.hpp"
#include "http/exchange.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Pure helpers for the rules every request goes through; no RESTinio, unit-tested.
namespace agora::http {

/// The client's X-Request-Id when it is 1..128 visible ASCII characters, else a new random one.
std::string request_id_for(std::optional<std::string_view> client_value);

struct trace_context {
  std::string trace_id;    ///< 32 hex
  std::string traceparent; ///< what we answer with: the caller's trace, our span
};

/// Honours a valid W3C traceparent ("00-<32 hex>-<16 hex>-<2 hex>", ids not all zero): keeps its
/// trace id and flags and answers with a new span id; else starts a new trace.
trace_context trace_for(std::optional<std::string_view> traceparent);

/// What a request presents: the Authorization header's bearer token, or an order link's
/// ?access_token= (an order access token only).
struct credential {
  enum class kind {
    none,        ///< nothing sent: anonymous
    malformed,   ///< an Authorization header that is not "Bearer <token>"
    unknown,     ///< a bearer token that is no staff token and has no known shape
    staff,       ///< a configured token; `role` says which
    session,     ///< "ses_...": a customer session, to be looked up
    order_token, ///< "oat_...": an order's access token, checked against the order
  };
  kind what = kind::none;
  std::string token;
  std::string role; ///< staff: "admin" or "operator"
};

/// Reads the credential; staff tokens (token → role) are compared in constant time.
credential read_credential(std::optional<std::string_view> authorization,
                           std::optional<std::string_view> access_token,
                           const std::map<std::string, std::string>& tokens);

/// A route's rule against a resolved caller: nullopt when allowed, else the 401 (no or not enough
/// credentials) or 403 (a known caller of the wrong kind) problem.
std::optional<problem> permit(access rule, const caller& who);

/// An address range: "127.0.0.0/8", "::1/128", or one address ("10.1.2.3").
struct address_range {
  std::array<uint8_t, 16> net{};
  int bits = 0;
  bool v6 = false;
};

/// Parses "a,b,..." of address ranges; nullopt and `error` set when one is malformed.
std::optional<std::vector<address_range>> parse_ranges(std::string_view text, std::string& error);

/// True when `address` (textual IPv4 or IPv6) is in one of `ranges`.
bool address_in(std::string_view address, const std::vector<address_range>& ranges);

/// Parses "token:role,token:role" (roles: admin, operator). nullopt and `error` set when malformed.
std::optional<std::map<std::string, std::string>> parse_tokens(std::string_view text,
                                                               std::string& error);

/// True for "application/json" with optional parameters ("; charset=utf-8"), any letter case.
bool is_json_content_type(std::string_view value);

} // namespace agora::http
