// The SMTP client against a real SMTP server (aiosmtpd), not a mock.
#include "tests/support/smtp_sink.hpp"

#include <catch2/catch.hpp>

#include "mail/smtp.hpp"
#include <algorithm>

using namespace agora;
using namespace agora::test;
using domain::delivery_outcome;

namespace {

protocol::outbox_mail sample(const std::string& to) {
  protocol::outbox_mail m;
  m.id = "ntf_test1";
  m.type = "ORDER_CREATED";
  m.order_id = "ord_test1";
  m.recipient = to;
  m.subject = "Ihre Bestellung ord_test1 – Größe ✓";
  m.body_text = "Hello Zoë,\n.\n.hidden line\nTotal: 10.00 USD = paid\n";
  m.body_html = "<p>Hello Zo&euml;,</p><p>.</p>";
  return m;
}

mail::smtp_options options_for(const smtp_sink& sink) {
  mail::smtp_options o;
  o.url = sink.url();
  o.from = "Agora Shop <no-reply@shop.example>";
  o.connect_timeout = std::chrono::seconds{3};
  o.timeout = std::chrono::seconds{10};
  return o;
}

protocol::mail_receipt send(const mail::smtp_options& o, const protocol::outbox_mail& m) {
  mail::smtp_client client{o};
  return client.send(m.recipient, mail::render(m, o, std::time(nullptr)));
}

} // namespace

TEST_CASE("a mail arrives whole: headers, encoded subject, both parts, dot lines", "[mail][smtp]") {
  smtp_sink sink;
  auto m = sample("zoe@example.com");
  auto r = send(options_for(sink), m);
  INFO(r.error);
  REQUIRE(static_cast<delivery_outcome>(r.outcome) == delivery_outcome::sent);
  CHECK(r.smtp_code == 250);
  auto got = sink.messages();
  REQUIRE(got.size() == 1);
  auto& g = got[0];
  CHECK(g["mail_from"] == "no-reply@shop.example");
  CHECK(g["rcpt_tos"] == nlohmann::json::array({"zoe@example.com"}));
  CHECK(g["subject"] == m.subject); // Python's parser decodes our RFC 2047 words
  CHECK(g["from"] == "Agora Shop <no-reply@shop.example>");
  CHECK(g["to"] == "zoe@example.com");
  CHECK(g["message_id"] == "<ntf_test1@shop.example>");
  CHECK(g["content_type"] == "multipart/alternative");
  CHECK(g["headers"]["X-Agora-Order-Id"] == "ord_test1");
  CHECK(!g["date"].get<std::string>().empty());
  CHECK(g["defects"].empty());
  auto text = g["text"].get<std::string>();
  text.erase(std::remove(text.begin(), text.end(), '\r'), text.end());    // CRLF on the wire
  CHECK(text.find("Hello Zoë,\n.\n.hidden line\n") != std::string::npos); // dot-stuffing undone
  CHECK(text.find("= paid") != std::string::npos);
  CHECK(g["html"].get<std::string>().find("<p>Hello Zo&euml;,</p>") != std::string::npos);
}

TEST_CASE("a 550 for the recipient is a rejection of that mail", "[mail][smtp]") {
  smtp_sink_options rejecting;
  rejecting.reject = {"bad@example.com"};
  smtp_sink sink{rejecting};
  auto o = options_for(sink);
  auto r = send(o, sample("bad@example.com"));
  CHECK(static_cast<delivery_outcome>(r.outcome) == delivery_outcome::rejected);
  CHECK(r.smtp_code == 550);
  CHECK(r.error.find("550") != std::string::npos);
  CHECK(sink.messages().empty());
  CHECK(static_cast<delivery_outcome>(send(o, sample("good@example.com")).outcome)
        == delivery_outcome::sent);
  CHECK(sink.messages().size() == 1);
}

TEST_CASE("no server listening means unavailable, and a restarted one is used again",
          "[mail][smtp]") {
  smtp_sink sink;
  auto o = options_for(sink);
  mail::smtp_client client{o}; // one client: its kept connection dies with the server
  auto m = sample("ann@example.com");
  auto text = mail::render(m, o, 0);
  REQUIRE(static_cast<delivery_outcome>(client.send(m.recipient, text).outcome)
          == delivery_outcome::sent);
  sink.kill();
  auto down = client.send(m.recipient, text);
  CHECK(static_cast<delivery_outcome>(down.outcome) == delivery_outcome::unavailable);
  CHECK(!down.error.empty());
  sink.start();
  auto up = client.send(m.recipient, text);
  INFO(up.error);
  CHECK(static_cast<delivery_outcome>(up.outcome) == delivery_outcome::sent);
  CHECK(sink.messages().size() == 2);
}

TEST_CASE("STARTTLS with a self-signed certificate works when the configuration trusts it",
          "[mail][smtp][tls]") {
  auto [cert, key] = self_signed_certificate();
  smtp_sink sink{{{}, cert, key, true, "mailer:s3cret-password"}}; // STARTTLS and AUTH required
  auto o = options_for(sink);
  o.tls = mail::tls_mode::required;
  o.user = "mailer";
  o.password = "s3cret-password";

  SECTION("trusted: sent over TLS, authenticated") {
    o.ca_file = cert;
    auto r = send(o, sample("ann@example.com"));
    INFO(r.error);
    REQUIRE(static_cast<delivery_outcome>(r.outcome) == delivery_outcome::sent);
    auto got = sink.messages();
    REQUIRE(got.size() == 1);
    CHECK(got[0]["tls"] == true);
    CHECK(got[0]["authenticated"] == true);
  }
  SECTION("not trusted: the server counts as unavailable and nothing is sent") {
    auto r = send(o, sample("ann@example.com"));
    CHECK(static_cast<delivery_outcome>(r.outcome) == delivery_outcome::unavailable);
    CHECK(sink.messages().empty());
  }
  SECTION("a wrong password is refused by the server, not blamed on the mail") {
    o.ca_file = cert;
    o.password = "wrong";
    auto r = send(o, sample("ann@example.com"));
    CHECK(static_cast<delivery_outcome>(r.outcome) == delivery_outcome::unavailable);
    CHECK(sink.messages().empty());
  }
}
