#pragma once

#include <map>
#include <string>
#include <vector>

namespace agora::test {

struct http_response {
  long status = 0;                            ///< 0 when the connection failed
  std::map<std::string, std::string> headers; ///< names in lower case
  std::string body;

  std::string header(const std::string& lower_name) const {
    auto i = headers.find(lower_name);
    return i == headers.end() ? std::string{} : i->second;
  }
};

/// A pseudo header that is not sent: the request leaves from this local address instead
/// ("X-Test-Source: 127.0.0.2"), so one test can be several clients.
constexpr const char* source_header = "X-Test-Source: ";

/// One HTTP/1.1 request over libcurl; `headers` as "Name: value".
http_response http(const std::string& method, const std::string& url, const std::string& body = {},
                   const std::vector<std::string>& headers = {});

} // namespace agora::test
