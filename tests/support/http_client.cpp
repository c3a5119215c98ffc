#include "tests/support/http_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>

namespace agora::test {

namespace {

// libcurl's global set-up is not thread-safe: do it once, before any test starts threads.
const bool curl_ready = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;

size_t on_body(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

size_t on_header(char* data, size_t size, size_t n, void* out) {
  std::string line{data, size * n};
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    auto name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) {
      return static_cast<char>(std::tolower(c));
    });
    auto value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    value.erase(value.find_last_not_of(" \t\r\n") + 1);
    (*static_cast<std::map<std::string, std::string>*>(out))[name] = value;
  }
  return size * n;
}

} // namespace

http_response http(const std::string& method, const std::string& url, const std::string& body,
                   const std::vector<std::string>& headers) {
  http_response out;
  if (!curl_ready)
    return out;
  CURL* curl = curl_easy_init();
  curl_slist* list = nullptr;
  std::string source;
  for (auto& h : headers)
    if (h.rfind(source_header, 0) == 0)
      source = h.substr(std::string_view{source_header}.size());
    else
      list = curl_slist_append(list, h.c_str());
  if (!source.empty()) // another loopback address is another client
    curl_easy_setopt(curl, CURLOPT_INTERFACE, source.c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method == "HEAD") // the answer has a Content-Length and, rightly, no body
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  if (!body.empty() || method == "POST" || method == "PUT") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &out.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &out.headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  if (curl_easy_perform(curl) == CURLE_OK)
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out.status);
  curl_slist_free_all(list);
  curl_easy_cleanup(curl);
  return out;
}

} // namespace agora::test
