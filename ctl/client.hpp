#pragma once

#include <string>

// One HTTP exchange with a node's front door (libcurl), as agoractl needs it.
namespace agora::ctl {

struct target {
  std::string url = "http://127.0.0.1:8080"; ///< the door: scheme, host and port
  std::string token;                         ///< a staff bearer token; sent only as a header
  long timeout_ms = 10000;
};

struct reply {
  int status = 0; ///< 0: no answer (connection refused, timed out, bad URL)
  std::string body;
  std::string error; ///< why there is no answer
};

reply call(const target& t, const std::string& method, const std::string& path);

/// `text` escaped for a query string.
std::string escape(const std::string& text);

} // namespace agora::ctl
