#pragma once

#include <chrono>
#include <thread>

namespace agora::test {

/// Polls `pred` every few milliseconds until it holds or `deadline` has passed; returns its last
/// value. The wait-until-with-a-deadline that replaces sleeps in tests.
template <class Pred>
bool wait_until(Pred pred, std::chrono::milliseconds deadline = std::chrono::seconds{10}) {
  auto end = std::chrono::steady_clock::now() + deadline;
  while (!pred()) {
    if (std::chrono::steady_clock::now() >= end)
      return pred();
    std::this_thread::sleep_for(std::chrono::milliseconds{5});
  }
  return true;
}

} // namespace agora::test
