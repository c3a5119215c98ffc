#pragma once

#include "actors/domain/types.hpp"
#include "actors/protocol/errors.hpp"

#include <caf/error.hpp>

#include <optional>
#include <string>
#include <vector>

// The one error funnel of the front door: every failure becomes an RFC 9457 problem document.
namespace agora::http {

using field_error = domain::field_error; ///< JSON path ("items[0].quantity") and message

struct problem {
  int status = 500;
  std::string title;
  std::string detail;
  std::vector<field_error> errors;  ///< validation failures, for 400
  std::optional<std::string> allow; ///< for 405
  std::optional<int> retry_after;   ///< seconds, for 429 and 503
};

/// The HTTP status of each agora error code (the tested mapping table).
int status_of(protocol::errc code);

/// The type URI of a status: "https://agora.dev/problems/<slug>" (documented in /openapi.json).
std::string type_of(int status);

/// Standard reason phrase ("Not Found").
std::string reason_of(int status);

problem make_problem(protocol::errc code, std::string detail);

/// A validation failure: 400 with one entry per invalid field.
problem invalid(std::vector<field_error> errors);

/// Maps an error that came back from an actor: agora codes by the table, CAF's request timeout
/// and unreachable actors to 503, anything else to 500.
problem from_error(const caf::error& err, std::string_view rendered);

/// application/problem+json body.
std::string to_json(const problem& p);

} // namespace agora::http
