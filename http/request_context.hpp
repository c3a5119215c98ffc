#pragma once

#include "http/exchange.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>

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

/// Checks the Authorization header against the configured tokens (token → role); nullopt when
/// allowed, else the 401 or 403 problem.
std::optional<problem> authorize(access who, std::optional<std::string_view> authorization,
                                 const std::map<std::string, std::string>& tokens);

/// Parses "token:role,token:role" (roles: admin, operator). nullopt and `error` set when malformed.
std::optional<std::map<std::string, std::string>> parse_tokens(std::string_view text,
                                                               std::string& error);

/// True for "application/json" with optional parameters ("; charset=utf-8"), any letter case.
bool is_json_content_type(std::string_view value);

} // namespace agora::http
