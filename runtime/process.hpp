#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <signal.h>
#include <string>
#include <thread>

// What a node needs from its process, apart from what it runs: the stop signals, a bound on how
// long stopping may take, free ports, and the one-line failure at start.
namespace agora::runtime {

/// Blocks SIGINT and SIGTERM in this thread and every thread it starts, so that only
/// wait_for_stop() sees them. Answers the set to wait on.
sigset_t block_stop_signals();

/// Waits for SIGINT or SIGTERM; answers its name.
const char* wait_for_stop(const sigset_t& signals);

/// "agora: <why>" on stderr; answers the exit code of a failed start (1).
int fail(const std::string& why);

/// Port 0 means "any free port": one is picked now, so that the node id, the members row and the
/// logs all carry the port actually served. 0 when none is free. Never `avoid` (the cluster
/// port, bound later than the pick but before the HTTP server: the kernel may offer it to the
/// pick when whoever chose it has just released it).
uint16_t resolve_port(const std::string& address, uint16_t port, uint16_t avoid = 0);

/// Stopping must end. Each step of a shutdown is named here; if the whole shutdown takes longer
/// than `limit` (a database call that never returns, an actor that never quits), the log names
/// the step that hung and the process exits with 70 instead of waiting for an orchestrator's
/// SIGKILL, which would end it without saying why.
class shutdown_watchdog {
 public:
  explicit shutdown_watchdog(std::chrono::seconds limit);
  ~shutdown_watchdog();

  shutdown_watchdog(const shutdown_watchdog&) = delete;
  shutdown_watchdog& operator=(const shutdown_watchdog&) = delete;

  void step(const char* name);

 private:
  void watch(std::chrono::seconds limit);

  std::mutex mutex_;
  std::condition_variable ended_;
  bool done_ = false;
  const char* step_ = "http";
  std::thread thread_;
};

} // namespace agora::runtime
