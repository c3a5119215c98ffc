#include "runtime/process.hpp"

#include "runtime/base/log.hpp"

#include <arpa/inet.h>
#include <cstdio>
#include <cstdlib>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

namespace agora::runtime {

sigset_t block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

const char* wait_for_stop(const sigset_t& signals) {
  int sig = 0;
  sigwait(&signals, &sig);
  return sig == SIGINT ? "SIGINT" : "SIGTERM";
}

int fail(const std::string& why) {
  std::fprintf(stderr, "agora: %s\n", why.c_str());
  return 1;
}

namespace {

/// A port the kernel offers for `address` now (bound, read back, released); 0 when none.
uint16_t free_port_now(const std::string& address) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  if (::inet_pton(AF_INET, address.c_str(), &addr.sin_addr) != 1)
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  uint16_t found = 0;
  if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) == 0
      && ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    found = ntohs(addr.sin_port);
  if (fd >= 0)
    ::close(fd);
  return found;
}

} // namespace

uint16_t resolve_port(const std::string& address, uint16_t port, uint16_t avoid) {
  if (port != 0)
    return port;
  for (int attempt = 0; attempt < 8; ++attempt) {
    auto found = free_port_now(address);
    if (found != avoid || found == 0)
      return found;
  }
  return 0;
}

shutdown_watchdog::shutdown_watchdog(std::chrono::seconds limit)
  : thread_{[this, limit] {
      watch(limit);
    }} {}

shutdown_watchdog::~shutdown_watchdog() {
  {
    std::lock_guard<std::mutex> guard{mutex_};
    done_ = true;
  }
  ended_.notify_all();
  thread_.join();
}

void shutdown_watchdog::step(const char* name) {
  std::lock_guard<std::mutex> guard{mutex_};
  step_ = name;
}

void shutdown_watchdog::watch(std::chrono::seconds limit) {
  std::unique_lock<std::mutex> guard{mutex_};
  if (ended_.wait_for(guard, limit, [this] {
        return done_;
      }))
    return;
  log::error("node.shutdown_stuck").kv("step", step_).kv("seconds", long{limit.count()});
  std::_Exit(70);
}

} // namespace agora::runtime
