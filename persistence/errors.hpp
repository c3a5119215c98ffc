#pragma once

#include "actors/protocol/errors.hpp"

#include <caf/error.hpp>

#include <exception>
#include <stdexcept>
#include <string>

namespace agora::persistence {

/// Thrown inside persistence/ for failures that are not libpqxx's own (pool exhausted).
class storage_error : public std::runtime_error {
 public:
  storage_error(protocol::errc code, const std::string& what)
    : std::runtime_error(what), code_(code) {}
  protocol::errc code() const {
    return code_;
  }

 private:
  protocol::errc code_;
};

/// The one place libpqxx exceptions become agora errors: broken connection → storage_unavailable,
/// unique violation → conflict, check violation → conflict, in-doubt commit → storage_unavailable
/// (callers resolve it by reading back), anything else → internal. Call from a catch block.
caf::error translate_current_exception();

/// One-line description of the exception in flight, without the connection string.
std::string describe_current_exception();

} // namespace agora::persistence
