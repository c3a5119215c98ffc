#pragma once

#include <cstdint>
#include <string>
#include <string_view>

// A small structured-logging facade: one JSON object per line on stderr, written with a single
// write(2), so lines from many threads never interleave.
//
//   log::info("http.request").kv("request_id", rid).kv("status", 200);
//
// The line is written when the temporary ends (end of the full expression). Below the configured
// level nothing is formatted.
namespace agora::log {

enum class level { debug = 0, info = 1, warn = 2, error = 3 };

/// Parses "debug", "info", "warn"/"warning", "error"; false for anything else.
bool parse_level(std::string_view text, level& out);
std::string_view to_string(level lv);

void set_level(level lv);
level current_level();
bool enabled(level lv);

/// The node id every line carries.
void set_node(std::string node);

/// Redirects lines to a file descriptor (default 2, stderr). For tests.
void set_fd(int fd);

class line {
 public:
  line(level lv, std::string_view event);
  ~line();

  line(const line&) = delete;
  line& operator=(const line&) = delete;

  line& kv(std::string_view key, std::string_view value);
  line& kv(std::string_view key, const char* value);
  line& kv(std::string_view key, const std::string& value);
  line& kv(std::string_view key, bool value);
  line& kv(std::string_view key, int value);
  line& kv(std::string_view key, long value);
  line& kv(std::string_view key, long long value);
  line& kv(std::string_view key, unsigned value);
  line& kv(std::string_view key, unsigned long value);
  line& kv(std::string_view key, unsigned long long value);
  line& kv(std::string_view key, double value);

 private:
  void key(std::string_view k);
  bool on_;
  std::string buf_;
};

inline line debug(std::string_view event) {
  return line{level::debug, event};
}
inline line info(std::string_view event) {
  return line{level::info, event};
}
inline line warn(std::string_view event) {
  return line{level::warn, event};
}
inline line error(std::string_view event) {
  return line{level::error, event};
}

/// Appends `text` to `out` as the inside of a JSON string (quotes not included).
void append_json_escaped(std::string& out, std::string_view text);

} // namespace agora::log
