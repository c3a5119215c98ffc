#include "mail/smtp.hpp"

#include "actors/domain/email.hpp"

#include <curl/curl.h>

#include <chrono>
#include <cstring>
#include <mutex>

namespace agora::mail {

namespace {

struct upload {
  const std::string* data;
  size_t offset = 0;
};

size_t read_chunk(char* buffer, size_t size, size_t count, void* user) {
  auto* up = static_cast<upload*>(user);
  auto left = up->data->size() - up->offset;
  auto n = std::min(left, size * count);
  std::memcpy(buffer, up->data->data() + up->offset, n);
  up->offset += n;
  return n;
}

curl_usessl ssl_level(const smtp_options& o) {
  if (o.url.rfind("smtps://", 0) == 0)
    return CURLUSESSL_ALL;
  switch (o.tls) {
    case tls_mode::automatic: return CURLUSESSL_TRY;
    case tls_mode::required: return CURLUSESSL_ALL;
    case tls_mode::none: return CURLUSESSL_NONE;
  }
  return CURLUSESSL_TRY;
}

} // namespace

void init_transport() {
  static std::once_flag once;
  std::call_once(once, [] {
    curl_global_init(CURL_GLOBAL_DEFAULT);
  });
}

std::string render(const protocol::outbox_mail& m, const smtp_options& o, std::time_t now) {
  domain::email e;
  e.from = o.from;
  e.to = m.recipient;
  e.subject = m.subject;
  e.text = m.body_text;
  e.html = m.body_html.empty() ? "<!DOCTYPE html>\n<html><body><pre>"
                                   + domain::html_escape(m.body_text) + "</pre></body></html>\n"
                               : m.body_html;
  e.message_id = m.id + "@" + domain::domain_of(domain::address_of(o.from));
  e.extra_headers = {{"Auto-Submitted", "auto-generated"},
                     {"X-Agora-Notification-Id", m.id},
                     {"X-Agora-Notification-Type", m.type}};
  if (!m.order_id.empty())
    e.extra_headers.emplace_back("X-Agora-Order-Id", m.order_id);
  if (m.product_id > 0)
    e.extra_headers.emplace_back("X-Agora-Product-Id", std::to_string(m.product_id));
  return domain::render_message(e, now);
}

domain::delivery_outcome classify(int curl_code, long smtp_code) {
  using domain::delivery_outcome;
  if (curl_code == CURLE_OK)
    return delivery_outcome::sent;
  if (smtp_code == 421 || smtp_code == 530 || smtp_code == 534 || smtp_code == 535)
    return delivery_outcome::unavailable; // closing down, or our login is refused
  if (smtp_code >= 500 && smtp_code < 600)
    return delivery_outcome::rejected;
  if (smtp_code >= 400 && smtp_code < 500)
    return delivery_outcome::transient;
  switch (curl_code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_USE_SSL_FAILED:
    case CURLE_LOGIN_DENIED:
    case CURLE_REMOTE_ACCESS_DENIED:
    case CURLE_GOT_NOTHING:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL: return delivery_outcome::unavailable;
    default: return delivery_outcome::transient;
  }
}

smtp_client::smtp_client(smtp_options options) : options_(std::move(options)) {
  init_transport();
  curl_ = curl_easy_init();
}

smtp_client::~smtp_client() {
  if (curl_)
    curl_easy_cleanup(static_cast<CURL*>(curl_));
}

protocol::mail_receipt smtp_client::send(const std::string& recipient, const std::string& message) {
  protocol::mail_receipt r;
  auto* curl = static_cast<CURL*>(curl_);
  if (!curl) {
    r.outcome = static_cast<uint8_t>(domain::delivery_outcome::unavailable);
    r.error = "libcurl could not start";
    return r;
  }
  auto start = std::chrono::steady_clock::now();
  char errors[CURL_ERROR_SIZE] = {};
  upload up{&message};
  auto from = "<" + domain::address_of(options_.from) + ">";
  curl_slist* rcpt = curl_slist_append(nullptr, ("<" + recipient + ">").c_str());
  curl_easy_reset(curl); // keeps the connection cache, drops the last mail's options
  curl_easy_setopt(curl, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errors);
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_chunk);
  curl_easy_setopt(curl, CURLOPT_READDATA, &up);
  curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
  curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(ssl_level(options_)));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
  if (!options_.ca_file.empty())
    curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca_file.c_str());
  if (!options_.user.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, options_.user.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, options_.password.c_str());
  }
  auto rc = curl_easy_perform(curl);
  long code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  curl_slist_free_all(rcpt);
  r.smtp_code = static_cast<int32_t>(code);
  r.outcome = static_cast<uint8_t>(classify(rc, code));
  if (rc != CURLE_OK) {
    r.error = curl_easy_strerror(rc);
    if (errors[0])
      r.error += std::string{": "} + errors;
    if (code > 0)
      r.error += " (last SMTP reply " + std::to_string(code) + ")";
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

} // namespace agora::mail
