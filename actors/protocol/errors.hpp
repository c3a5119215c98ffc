#pragma once

#include "actors/domain/refusal.hpp"

#include <caf/error.hpp>
#include <caf/make_message.hpp>
#include <caf/message.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace agora::protocol {

/// The one error enum of agora: every actor, store and handler reports failures with these codes,
/// carried in a caf::error of category "agora". Business outcomes (declined, out of stock) are
/// values, not errors.
///
/// When you add a value, add its HTTP mapping in http/problem.cpp (a test checks every value has
/// one) and its name in to_string below.
enum class errc : uint8_t {
  none = 0,
  invalid_argument,     ///< input failed validation (400)
  unauthenticated,      ///< missing or unknown credentials (401)
  forbidden,            ///< credentials lack the role (403)
  not_found,            ///< unknown resource (404)
  conflict,             ///< state conflict, duplicate key (409)
  idempotency_mismatch, ///< idempotency key reused with another body (422)
  overloaded,           ///< admission control refused the work (503)
  storage_unavailable,  ///< the database cannot be reached (503)
  timeout,              ///< a step did not answer in time (503)
  unavailable,          ///< the node cannot serve now: not ready, shutting down (503)
  internal,             ///< a bug; logged and answered as 500
  // The door's own, about the HTTP request itself:
  method_not_allowed,     ///< the path exists, the method does not (405, with Allow)
  payload_too_large,      ///< the body is over the limit (413)
  unsupported_media_type, ///< a body that is not application/json (415)
  rate_limited,           ///< over a rate limit (429, with Retry-After)
  uri_too_long,           ///< the request target is over the limit (414)
  headers_too_large,      ///< too many header fields, or one too long (431)
  not_implemented,        ///< a method this server does not implement (501)
  // The cluster's:
  fenced,    ///< a write carried a shard epoch that is no longer current (503; the owner moved)
  not_owner, ///< the node does not own the key's shard (now); the router re-routes (503 if not)
};

constexpr std::string_view to_string(errc code) {
  switch (code) {
    case errc::none: return "none";
    case errc::invalid_argument: return "invalid_argument";
    case errc::unauthenticated: return "unauthenticated";
    case errc::forbidden: return "forbidden";
    case errc::not_found: return "not_found";
    case errc::conflict: return "conflict";
    case errc::idempotency_mismatch: return "idempotency_mismatch";
    case errc::overloaded: return "overloaded";
    case errc::storage_unavailable: return "storage_unavailable";
    case errc::timeout: return "timeout";
    case errc::unavailable: return "unavailable";
    case errc::internal: return "internal";
    case errc::method_not_allowed: return "method_not_allowed";
    case errc::payload_too_large: return "payload_too_large";
    case errc::unsupported_media_type: return "unsupported_media_type";
    case errc::rate_limited: return "rate_limited";
    case errc::uri_too_long: return "uri_too_long";
    case errc::headers_too_large: return "headers_too_large";
    case errc::not_implemented: return "not_implemented";
    case errc::fenced: return "fenced";
    case errc::not_owner: return "not_owner";
  }
  return "internal";
}

/// Every value, for tests that walk the enum.
constexpr errc all_errc[] = {errc::invalid_argument,
                             errc::unauthenticated,
                             errc::forbidden,
                             errc::not_found,
                             errc::conflict,
                             errc::idempotency_mismatch,
                             errc::overloaded,
                             errc::storage_unavailable,
                             errc::timeout,
                             errc::unavailable,
                             errc::internal,
                             errc::method_not_allowed,
                             errc::payload_too_large,
                             errc::unsupported_media_type,
                             errc::rate_limited,
                             errc::uri_too_long,
                             errc::headers_too_large,
                             errc::not_implemented,
                             errc::fenced,
                             errc::not_owner};

} // namespace agora::protocol

CAF_ERROR_CODE_ENUM(agora::protocol::errc, "agora")

namespace agora::protocol {

/// The code a refused command answers with (none for domain::refusal::none).
constexpr errc code_of(domain::refusal r) {
  switch (r) {
    case domain::refusal::none: return errc::none;
    case domain::refusal::not_found: return errc::not_found;
    case domain::refusal::conflict: return errc::conflict;
    case domain::refusal::unavailable: return errc::timeout;
  }
  return errc::internal;
}

/// The error a refused command answers with, `why` as its detail; empty when not refused.
inline caf::error refused(domain::refusal r, std::string why) {
  if (r == domain::refusal::none)
    return {};
  return caf::make_error(code_of(r), std::move(why));
}

} // namespace agora::protocol
