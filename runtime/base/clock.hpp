#pragma once

#include <chrono>
#include <cstdint>

namespace agora {

/// Wall-clock time as unix milliseconds: what events, rows and documents record. Deadlines and
/// durations use a steady clock (an actor's clock()) instead.
inline int64_t unix_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

} // namespace agora
