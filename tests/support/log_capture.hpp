#pragma once

#include "runtime/base/log.hpp"

#include <cstdio>
#include <string>

namespace agora::test {

/// Captures what the log writes while it lives (then the log goes to stderr again, at info).
struct log_capture {
  FILE* file = std::tmpfile();
  log_capture() {
    log::set_fd(fileno(file));
  }
  ~log_capture() {
    log::set_fd(2);
    log::set_level(log::level::info);
    std::fclose(file);
  }
  log_capture(const log_capture&) = delete;
  log_capture& operator=(const log_capture&) = delete;

  std::string text() {
    std::fflush(file);
    std::string out;
    std::rewind(file);
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof(buf), file)) > 0)
      out.append(buf, n);
    return out;
  }
};

} // namespace agora::test
