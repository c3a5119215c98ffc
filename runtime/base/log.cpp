#include "runtime/base/log.hpp"

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <mutex>
#include <unistd.h>

namespace agora::log {

namespace {

std::atomic<int> g_level{static_cast<int>(level::info)};
std::atomic<int> g_fd{2};
std::mutex g_node_mutex;
std::string g_node = "-";

std::string node_name() {
  std::lock_guard<std::mutex> guard{g_node_mutex};
  return g_node;
}

void append_timestamp(std::string& out) {
  using namespace std::chrono;
  auto now = system_clock::now();
  auto secs = time_point_cast<seconds>(now);
  auto millis = duration_cast<milliseconds>(now - secs).count();
  std::time_t t = system_clock::to_time_t(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  fmt::format_to(std::back_inserter(out), "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                 millis);
}

} // namespace

bool parse_level(std::string_view text, level& out) {
  if (text == "debug")
    out = level::debug;
  else if (text == "info")
    out = level::info;
  else if (text == "warn" || text == "warning")
    out = level::warn;
  else if (text == "error")
    out = level::error;
  else
    return false;
  return true;
}

std::string_view to_string(level lv) {
  switch (lv) {
    case level::debug: return "debug";
    case level::info: return "info";
    case level::warn: return "warn";
    case level::error: return "error";
  }
  return "info";
}

void set_level(level lv) {
  g_level = static_cast<int>(lv);
}

level current_level() {
  return static_cast<level>(g_level.load());
}

bool enabled(level lv) {
  return static_cast<int>(lv) >= g_level.load(std::memory_order_relaxed);
}

void set_node(std::string node) {
  std::lock_guard<std::mutex> guard{g_node_mutex};
  g_node = std::move(node);
}

void set_fd(int fd) {
  g_fd = fd;
}

void append_json_escaped(std::string& out, std::string_view text) {
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20)
          fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned>(c));
        else
          out += static_cast<char>(c);
    }
  }
}

line::line(level lv, std::string_view event) : on_(enabled(lv)) {
  if (!on_)
    return;
  buf_.reserve(256);
  buf_ += "{\"ts\":\"";
  append_timestamp(buf_);
  buf_ += "\",\"level\":\"";
  buf_ += to_string(lv);
  buf_ += "\",\"node\":\"";
  append_json_escaped(buf_, node_name());
  buf_ += "\",\"event\":\"";
  append_json_escaped(buf_, event);
  buf_ += '"';
}

line::~line() {
  if (!on_)
    return;
  buf_ += "}\n";
  const char* p = buf_.data();
  size_t left = buf_.size();
  while (left > 0) {
    auto n = ::write(g_fd.load(), p, left);
    if (n <= 0)
      break; // Nowhere to report a failing log sink.
    p += n;
    left -= static_cast<size_t>(n);
  }
}

void line::key(std::string_view k) {
  buf_ += ",\"";
  append_json_escaped(buf_, k);
  buf_ += "\":";
}

line& line::kv(std::string_view k, std::string_view value) {
  if (on_) {
    key(k);
    buf_ += '"';
    append_json_escaped(buf_, value);
    buf_ += '"';
  }
  return *this;
}

line& line::kv(std::string_view k, const char* value) {
  return kv(k, std::string_view{value ? value : ""});
}

line& line::kv(std::string_view k, const std::string& value) {
  return kv(k, std::string_view{value});
}

line& line::kv(std::string_view k, bool value) {
  if (on_) {
    key(k);
    buf_ += value ? "true" : "false";
  }
  return *this;
}

#define AGORA_LOG_NUMBER(type)                                                                     \
  line& line::kv(std::string_view k, type value) {                                                 \
    if (on_) {                                                                                     \
      key(k);                                                                                      \
      fmt::format_to(std::back_inserter(buf_), "{}", value);                                       \
    }                                                                                              \
    return *this;                                                                                  \
  }
AGORA_LOG_NUMBER(int)
AGORA_LOG_NUMBER(long)
AGORA_LOG_NUMBER(long long)
AGORA_LOG_NUMBER(unsigned)
AGORA_LOG_NUMBER(unsigned long)
AGORA_LOG_NUMBER(unsigned long long)
AGORA_LOG_NUMBER(double)
#undef AGORA_LOG_NUMBER

} // namespace agora::log

namespace agora::detail {

[[noreturn]] void check_failed(const char* expr, const char* file, int line, const char* what) {
  log::error("check.failed").kv("expr", expr).kv("file", file).kv("line", line).kv("what", what);
  std::abort();
}

} // namespace agora::detail
