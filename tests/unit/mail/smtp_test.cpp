#include <catch2/catch.hpp>
#include <curl/curl.h>

#include "mail/smtp.hpp"

using namespace agora;
using domain::delivery_outcome;

TEST_CASE("curl results and SMTP replies map to delivery outcomes", "[mail]") {
  CHECK(mail::classify(CURLE_OK, 250) == delivery_outcome::sent);
  CHECK(mail::classify(CURLE_SEND_ERROR, 550) == delivery_outcome::rejected);
  CHECK(mail::classify(CURLE_SEND_ERROR, 552) == delivery_outcome::rejected);
  CHECK(mail::classify(CURLE_SEND_ERROR, 450) == delivery_outcome::transient);
  CHECK(mail::classify(CURLE_WEIRD_SERVER_REPLY, 421) == delivery_outcome::unavailable);
  CHECK(mail::classify(CURLE_LOGIN_DENIED, 535) == delivery_outcome::unavailable);
  CHECK(mail::classify(CURLE_COULDNT_CONNECT, 0) == delivery_outcome::unavailable);
  CHECK(mail::classify(CURLE_PEER_FAILED_VERIFICATION, 0) == delivery_outcome::unavailable);
  CHECK(mail::classify(CURLE_SEND_ERROR, 250) == delivery_outcome::transient);
}

TEST_CASE("an outbox row renders with its ids in the headers", "[mail]") {
  protocol::outbox_mail m;
  m.id = "ntf_42";
  m.type = "ORDER_CREATED";
  m.order_id = "ord_7";
  m.recipient = "ann@example.com";
  m.subject = "We received your order ord_7";
  m.body_text = "Hello\n";
  mail::smtp_options o;
  o.from = "Agora <no-reply@shop.example>";
  auto text = mail::render(m, o, 0);
  CHECK(text.find("Message-ID: <ntf_42@shop.example>\r\n") != std::string::npos);
  CHECK(text.find("X-Agora-Order-Id: ord_7\r\n") != std::string::npos);
  CHECK(text.find("X-Agora-Notification-Type: ORDER_CREATED\r\n") != std::string::npos);
  CHECK(text.find("Auto-Submitted: auto-generated\r\n") != std::string::npos);
  CHECK(text.find("X-Agora-Product-Id") == std::string::npos);
  CHECK(text.find("text/html") != std::string::npos); // HTML made from the text when none stored
}
