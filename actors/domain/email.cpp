#include "actors/domain/email.hpp"

#include "actors/domain/hash.hpp"

#include <cstdio>

namespace agora::domain {

namespace {

constexpr char hex_digits[] = "0123456789ABCDEF";

bool printable_ascii(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c > 0x7e)
      return false;
  return true;
}

bool utf8_continuation(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

/// A display name as RFC 5322 allows it: plain atoms, a quoted string, or encoded words.
std::string display_name(std::string_view name) {
  if (!printable_ascii(name) || name.find("=?") != std::string_view::npos)
    return encode_header_text(name);
  bool plain = true;
  for (char c : name)
    if (std::string_view{"()<>[]:;@\\,.\""}.find(c) != std::string_view::npos)
      plain = false;
  if (plain)
    return std::string{name};
  std::string out = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t");
  auto e = s.find_last_not_of(" \t");
  return b == std::string_view::npos ? std::string{} : std::string{s.substr(b, e - b + 1)};
}

std::string mailbox_header(std::string_view mailbox) {
  auto open = mailbox.find('<');
  if (open == std::string_view::npos)
    return address_of(mailbox);
  auto name = trim(mailbox.substr(0, open));
  auto addr = address_of(mailbox);
  return name.empty() ? addr : display_name(name) + " <" + addr + ">";
}

std::string boundary_for(std::string_view message_id) {
  return "=_agora_" + stable_hash_hex(message_id);
}

std::string part(std::string_view boundary, std::string_view type, std::string_view body) {
  return "--" + std::string{boundary} + "\r\nContent-Type: " + std::string{type}
         + "; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
         + quoted_printable(body) + "\r\n";
}

} // namespace

std::string base64(std::string_view bytes) {
  static constexpr char table[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t v = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    out += table[v >> 18];
    out += table[(v >> 12) & 63];
    out += table[(v >> 6) & 63];
    out += table[v & 63];
  }
  if (i < bytes.size()) {
    uint32_t v = uint8_t(bytes[i]) << 16;
    if (i + 1 < bytes.size())
      v |= uint8_t(bytes[i + 1]) << 8;
    out += table[v >> 18];
    out += table[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? table[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string encode_header_text(std::string_view text) {
  if (printable_ascii(text) && text.find("=?") == std::string_view::npos)
    return std::string{text};
  // "=?UTF-8?B?" + base64 + "?=" within 75 characters leaves 60 base64 characters: 45 bytes.
  constexpr size_t max_bytes = 45;
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = std::min(text.size(), start + max_bytes);
    while (end < text.size() && end > start + 1
           && utf8_continuation(static_cast<unsigned char>(text[end])))
      --end; // never split a character between two words
    if (!out.empty())
      out += "\r\n ";
    out += "=?UTF-8?B?" + base64(text.substr(start, end - start)) + "?=";
    start = end;
  }
  return out;
}

std::string quoted_printable(std::string_view text) {
  std::string out;
  size_t line_start = 0;
  while (line_start <= text.size()) {
    auto nl = text.find('\n', line_start);
    auto line = text.substr(line_start, nl == std::string_view::npos ? std::string_view::npos
                                                                     : nl - line_start);
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    size_t width = 0;
    for (size_t i = 0; i < line.size(); ++i) {
      auto c = static_cast<unsigned char>(line[i]);
      bool last = i + 1 == line.size();
      bool literal = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last);
      std::string token = literal ? std::string(1, static_cast<char>(c))
                                  : std::string{'=', hex_digits[c >> 4], hex_digits[c & 15]};
      if (width + token.size() > 75) {
        out += "=\r\n";
        width = 0;
      }
      out += token;
      width += token.size();
    }
    if (nl == std::string_view::npos)
      break;
    out += "\r\n";
    line_start = nl + 1;
  }
  return out;
}

std::string rfc5322_date(std::time_t when) {
  std::tm tm{};
  gmtime_r(&when, &tm);
  static constexpr const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday % 7],
                tm.tm_mday, months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

std::string address_of(std::string_view mailbox) {
  auto open = mailbox.find('<');
  auto close = mailbox.rfind('>');
  if (open != std::string_view::npos && close != std::string_view::npos && close > open)
    return trim(mailbox.substr(open + 1, close - open - 1));
  return trim(mailbox);
}

std::string domain_of(std::string_view address) {
  auto at = address.rfind('@');
  auto d = at == std::string_view::npos ? std::string{} : trim(address.substr(at + 1));
  return d.empty() ? "localhost" : d;
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string render_message(const email& mail, std::time_t date) {
  std::string out;
  out += "From: " + mailbox_header(mail.from) + "\r\n";
  out += "To: " + mailbox_header(mail.to) + "\r\n";
  out += "Subject: " + encode_header_text(mail.subject) + "\r\n";
  out += "Date: " + rfc5322_date(date) + "\r\n";
  out += "Message-ID: <" + mail.message_id + ">\r\n";
  out += "MIME-Version: 1.0\r\n";
  for (auto& [name, value] : mail.extra_headers)
    out += name + ": " + value + "\r\n";
  if (mail.html.empty()) {
    out += "Content-Type: text/plain; charset=UTF-8\r\n"
           "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
    return out + quoted_printable(mail.text) + "\r\n";
  }
  auto boundary = boundary_for(mail.message_id);
  out += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n";
  out += "This is a multi-part message in MIME format.\r\n\r\n";
  out += part(boundary, "text/plain", mail.text);
  out += part(boundary, "text/html", mail.html);
  return out + "--" + boundary + "--\r\n";
}

} // namespace agora::domain
