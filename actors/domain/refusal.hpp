#pragma once

#include <cstdint>

namespace agora::domain {

/// Why a command was refused: a business outcome, not a failure (the protocol maps each to one
/// error code, and the door to one status).
enum class refusal : uint8_t {
  none,
  not_found,  ///< no such entity or resource
  conflict,   ///< not in this state (a 409)
  unavailable ///< another service did not answer in time
};

} // namespace agora::domain
