#include "ctl/client.hpp"

#include <curl/curl.h>

#include <memory>

namespace agora::ctl {

namespace {

size_t collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

struct curl_handle {
  CURL* h = curl_easy_init();
  curl_slist* headers = nullptr;
  ~curl_handle() {
    curl_slist_free_all(headers);
    curl_easy_cleanup(h);
  }
};

} // namespace

reply call(const target& t, const std::string& method, const std::string& path) {
  reply out;
  curl_handle c;
  if (c.h == nullptr) {
    out.error = "libcurl could not start";
    return out;
  }
  auto url = t.url;
  while (!url.empty() && url.back() == '/')
    url.pop_back();
  url += path;
  std::string auth = "Authorization: Bearer " + t.token;
  if (!t.token.empty())
    c.headers = curl_slist_append(c.headers, auth.c_str());
  c.headers = curl_slist_append(c.headers, "Accept: application/json");
  curl_easy_setopt(c.h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c.h, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method == "POST")
    curl_easy_setopt(c.h, CURLOPT_POSTFIELDSIZE, 0L);
  curl_easy_setopt(c.h, CURLOPT_HTTPHEADER, c.headers);
  curl_easy_setopt(c.h, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(c.h, CURLOPT_WRITEDATA, &out.body);
  curl_easy_setopt(c.h, CURLOPT_TIMEOUT_MS, t.timeout_ms);
  curl_easy_setopt(c.h, CURLOPT_CONNECTTIMEOUT_MS, t.timeout_ms);
  curl_easy_setopt(c.h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c.h, CURLOPT_PROTOCOLS_STR, "http,https");
  auto rc = curl_easy_perform(c.h);
  if (rc != CURLE_OK) {
    out.error = curl_easy_strerror(rc);
    out.body.clear();
    return out;
  }
  long status = 0;
  curl_easy_getinfo(c.h, CURLINFO_RESPONSE_CODE, &status);
  out.status = static_cast<int>(status);
  return out;
}

std::string escape(const std::string& text) {
  std::unique_ptr<char, void (*)(void*)> e{
    curl_easy_escape(nullptr, text.c_str(), static_cast<int>(text.size())), curl_free};
  return e ? std::string{e.get()} : std::string{};
}

} // namespace agora::ctl
