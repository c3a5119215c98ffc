#pragma once

#include "actors/domain/mail_delivery.hpp"
#include "actors/protocol/mail.hpp"

#include <chrono>
#include <ctime>
#include <string>

namespace caf {
class actor_system;
}

namespace agora {
class actor_registry;
}

// SMTP delivery through libcurl: STARTTLS, implicit TLS (smtps://), AUTH and dot-stuffing come
// from the library; this module builds the message, classifies the outcome and runs the workers.
namespace agora::mail {

enum class tls_mode {
  automatic, ///< smtps://: TLS from the first byte; smtp://: STARTTLS when the server offers it
  required,  ///< smtp:// must upgrade with STARTTLS, or the server counts as unavailable
  none,      ///< never TLS (a local sink)
};

struct smtp_options {
  std::string url;      ///< smtp://host:port or smtps://host:port; empty: no delivery
  std::string user;     ///< AUTH user; empty: no AUTH
  std::string password; ///< never logged
  std::string from = "agora <no-reply@agora.localhost>";
  tls_mode tls = tls_mode::automatic;
  std::string ca_file; ///< PEM certificates to trust besides the system's (a self-signed server)
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds timeout{30000}; ///< one whole exchange
};

/// Calls curl_global_init once; call before any thread sends mail.
void init_transport();

/// The RFC 5322 message of one outbox row, dated `now`.
std::string render(const protocol::outbox_mail& mail, const smtp_options& options, std::time_t now);

/// The outcome a curl result code and the server's last SMTP reply code mean.
domain::delivery_outcome classify(int curl_code, long smtp_code);

/// One blocking SMTP client; keeps its connection between mails when the server allows.
class smtp_client {
 public:
  explicit smtp_client(smtp_options options);
  ~smtp_client();
  smtp_client(const smtp_client&) = delete;
  smtp_client& operator=(const smtp_client&) = delete;

  /// Delivers `message` to `recipient`; never throws.
  protocol::mail_receipt send(const std::string& recipient, const std::string& message);

 private:
  smtp_options options_;
  void* curl_ = nullptr; ///< CURL*, kept out of this header
};

/// Spawns one detached mailer worker (a blocking SMTP client).
protocol::mailer_actor spawn_mailer(caf::actor_system& sys, const smtp_options& options,
                                    actor_registry& registry);

} // namespace agora::mail
