#include "actors/domain/email.hpp"
#include "actors/domain/notifications.hpp"

#include <catch2/catch.hpp>

using namespace agora::domain;

namespace {

std::string unbase64(const std::string& in) {
  static const std::string table =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=')
      break;
    acc = (acc << 6) | static_cast<uint32_t>(table.find(c));
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}

/// Decodes a header made of encoded words; CHECKs each word's form and length.
std::string decode_words(const std::string& header) {
  std::string out;
  size_t pos = 0;
  while ((pos = header.find("=?UTF-8?B?", pos)) != std::string::npos) {
    auto end = header.find("?=", pos + 10);
    REQUIRE(end != std::string::npos);
    CHECK(end + 2 - pos <= 75);
    auto piece = unbase64(header.substr(pos + 10, end - pos - 10));
    CHECK((static_cast<unsigned char>(piece[0]) & 0xC0) != 0x80); // starts a character
    out += piece;
    pos = end + 2;
  }
  return out;
}

std::string unqp(const std::string& in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '=' && in.compare(i + 1, 2, "\r\n") == 0) {
      i += 2;
    } else if (in[i] == '=') {
      out += static_cast<char>(std::stoi(in.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else if (in.compare(i, 2, "\r\n") == 0) {
      out += '\n';
      ++i;
    } else {
      out += in[i];
    }
  }
  return out;
}

} // namespace

TEST_CASE("base64 follows RFC 4648's test vectors", "[domain][email]") {
  CHECK(base64("") == "");
  CHECK(base64("f") == "Zg==");
  CHECK(base64("fo") == "Zm8=");
  CHECK(base64("foo") == "Zm9v");
  CHECK(base64("foob") == "Zm9vYg==");
  CHECK(base64("fooba") == "Zm9vYmE=");
  CHECK(base64("foobar") == "Zm9vYmFy");
}

TEST_CASE("header text is encoded per RFC 2047 only when it needs to be", "[domain][email]") {
  CHECK(encode_header_text("Your order ord_1 has been delivered")
        == "Your order ord_1 has been delivered");
  CHECK(encode_header_text("=?looks encoded?=").rfind("=?UTF-8?B?", 0) == 0);
  std::string subject = "Low stock: Café crème ✓ — Größe XL, 日本語のテキストがここにあります";
  auto encoded = encode_header_text(subject);
  CHECK(encoded.find("\r\n ") != std::string::npos); // long: several words, folded
  CHECK(decode_words(encoded) == subject);
  for (char c : encoded)
    CHECK(static_cast<unsigned char>(c) < 0x80);
}

TEST_CASE("quoted-printable keeps lines short and round-trips", "[domain][email]") {
  std::string text =
    "Total: 12.00 USD = paid\nZoë wrote: " + std::string(120, 'x') + "\ntrailing space \n.\nend";
  auto qp = quoted_printable(text);
  size_t start = 0;
  while (start < qp.size()) {
    auto end = qp.find("\r\n", start);
    if (end == std::string::npos)
      end = qp.size();
    CHECK(end - start <= 76);
    start = end + 2;
  }
  CHECK(qp.find("=3D") != std::string::npos);
  CHECK(qp.find("Zo=C3=AB") != std::string::npos);
  CHECK(qp.find("space=20\r\n") != std::string::npos);
  CHECK(qp.find('\n') == qp.find("\r\n") + 1); // no bare line feeds
  CHECK(unqp(qp) == text);
}

TEST_CASE("a rendered message has RFC 5322 headers and two MIME parts", "[domain][email]") {
  email e;
  e.from = "Agora Shop <no-reply@shop.example>";
  e.to = "ann@example.com";
  e.subject = "Payment for order ord_1 was accepted";
  e.text = "Hello Ann,\n";
  e.html = "<p>Hello Ann,</p>";
  e.message_id = "ntf_1@shop.example";
  e.extra_headers = {{"X-Agora-Order-Id", "ord_1"}};
  auto m = render_message(e, 1795615171);
  CHECK(m.rfind("From: Agora Shop <no-reply@shop.example>\r\n", 0) == 0);
  CHECK(m.find("\r\nTo: ann@example.com\r\n") != std::string::npos);
  CHECK(m.find("\r\nDate: Wed, 25 Nov 2026 13:59:31 +0000\r\n") != std::string::npos);
  CHECK(m.find("\r\nMessage-ID: <ntf_1@shop.example>\r\n") != std::string::npos);
  CHECK(m.find("\r\nMIME-Version: 1.0\r\n") != std::string::npos);
  CHECK(m.find("\r\nX-Agora-Order-Id: ord_1\r\n") != std::string::npos);
  CHECK(m.find("Content-Type: multipart/alternative; boundary=\"=_agora_") != std::string::npos);
  CHECK(m.find("Content-Type: text/plain; charset=UTF-8") != std::string::npos);
  CHECK(m.find("Content-Type: text/html; charset=UTF-8") != std::string::npos);
  CHECK(m.find("--\r\n", m.size() - 4) != std::string::npos); // the closing boundary ends it
  for (size_t i = 0; i < m.size(); ++i)
    if (m[i] == '\n')
      CHECK((i > 0 && m[i - 1] == '\r'));
}

TEST_CASE("display names and addresses are taken apart and quoted when needed", "[domain][email]") {
  CHECK(address_of("Agora <no-reply@shop.example>") == "no-reply@shop.example");
  CHECK(address_of(" ann@example.com ") == "ann@example.com");
  CHECK(domain_of("no-reply@shop.example") == "shop.example");
  CHECK(domain_of("nobody") == "localhost");
  email e;
  e.from = "Shop, Inc. <a@b.example>";
  e.to = "c@d.example";
  e.message_id = "x@b.example";
  CHECK(render_message(e, 0).rfind("From: \"Shop, Inc.\" <a@b.example>\r\n", 0) == 0);
  e.from = "Boutique Zoë <a@b.example>";
  CHECK(render_message(e, 0).rfind("From: =?UTF-8?B?", 0) == 0);
  CHECK(rfc5322_date(0) == "Thu, 01 Jan 1970 00:00:00 +0000");
  CHECK(html_escape("<a href=\"x\">Tom & Jerry's</a>")
        == "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
}

TEST_CASE("each mail template renders the same content as text and HTML", "[domain][email]") {
  order_state s;
  s.exists = true;
  s.seq = 1;
  s.order.id = "ord_9";
  s.order.customer_email = "zoe@example.com";
  s.order.ship_to.name = "Zoë <Z> & Co";
  s.order.currency = "USD";
  s.order.items = {{3, 2, 2190}};
  s.order.total_cents = 4380;
  order_event created;
  created.type = event_type::order_created;
  auto n = notification_for(s, created, "https://shop.example/");
  REQUIRE(n);
  CHECK(n->body_text.find("Hello Zoë <Z> & Co,") != std::string::npos);
  CHECK(n->body_html.find("Hello Zoë &lt;Z&gt; &amp; Co,") != std::string::npos);
  for (auto* body : {&n->body_text, &n->body_html}) {
    CHECK(body->find("43.80 USD") != std::string::npos);
    CHECK(body->find("21.90 USD") != std::string::npos);
    CHECK(body->find("https://shop.example/shop/orders/ord_9") != std::string::npos);
  }
  s.carrier = "DHL";
  s.tracking_number = "1ZABC";
  order_event delivered;
  delivered.type = event_type::order_delivered;
  auto d = notification_for(s, delivered);
  REQUIRE(d);
  CHECK(d->type == notification_type::shipment_delivered);
  CHECK(d->body_html.find("<code>1ZABC</code>") != std::string::npos);
  CHECK(d->body_text.find("tracking number 1ZABC") != std::string::npos);
  CHECK(d->body_text.find("https://") == std::string::npos); // no public URL, no link
}
