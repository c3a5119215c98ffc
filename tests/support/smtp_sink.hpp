#pragma once

#include "tests/support/node_process.hpp"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace agora::test {

struct smtp_sink_options {
  std::vector<std::string> reject; ///< addresses answered with 550
  std::string tls_cert, tls_key;   ///< offer STARTTLS with this certificate
  bool require_tls = false;
  std::string auth; ///< "user:password" that AUTH must present
};

/// A real SMTP server (scripts/smtp-sink.py on Debian's python3-aiosmtpd) on a free loopback
/// port, keeping every accepted message as parsed by Python's email package.
class smtp_sink {
 public:
  explicit smtp_sink(smtp_sink_options options = {});
  ~smtp_sink();

  /// Starts it (again) on the same port and folder.
  void start();
  /// SIGKILL: the server vanishes mid-conversation, as a crash would.
  void kill();

  std::string url() const; ///< smtp://127.0.0.1:<port>
  uint16_t port() const {
    return port_;
  }

  /// Every accepted message so far: envelope (mail_from, rcpt_tos, tls, authenticated) and the
  /// parsed message (subject, from, to, date, message_id, content_type, headers, text, html,
  /// defects), in arrival order.
  std::vector<nlohmann::json> messages() const;

 private:
  smtp_sink_options options_;
  uint16_t port_ = 0;
  std::string dir_;
  std::unique_ptr<node_process> process_;
};

/// The messages of a sink folder (used for the suite's shared sink too).
std::vector<nlohmann::json> read_sink_folder(const std::string& dir);

/// The suite's shared sink (the CTest fixture `smtp`): its URL and folder.
std::string shared_smtp_url();
std::string shared_smtp_folder();

/// A self-signed certificate for 127.0.0.1 and localhost made with openssl: {cert, key} paths.
std::pair<std::string, std::string> self_signed_certificate();

} // namespace agora::test
