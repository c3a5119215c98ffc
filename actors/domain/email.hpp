#pragma once

#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// Internet mail as bytes: RFC 5322 headers, RFC 2047 encoded words for non-ASCII header text, and a
// MIME multipart/alternative body (RFC 2045/2046) with quoted-printable text and HTML parts. Pure
// functions; the SMTP transport only moves the result.
namespace agora::domain {

struct email {
  std::string from;       ///< "Name <addr@host>" or "addr@host"
  std::string to;         ///< one address
  std::string subject;    ///< UTF-8
  std::string text;       ///< UTF-8, '\n' line ends
  std::string html;       ///< UTF-8; empty: a text/plain mail
  std::string message_id; ///< without angle brackets: "ntf_1@agora.example"
  std::vector<std::pair<std::string, std::string>> extra_headers; ///< ASCII names and values
};

/// `text` as one or more RFC 2047 encoded words ("=?UTF-8?B?...?=", each at most 75 characters,
/// split only between whole UTF-8 characters, joined by a folding "\r\n "), or `text` itself when
/// it is printable ASCII without "=?".
std::string encode_header_text(std::string_view text);

/// RFC 2045 quoted-printable of UTF-8 text with CRLF hard line breaks and soft breaks keeping every
/// line at most 76 characters.
std::string quoted_printable(std::string_view text);

/// Standard base64 (RFC 4648) with padding, no line breaks.
std::string base64(std::string_view bytes);

/// "Wed, 25 Nov 2026 13:50:02 +0000": an RFC 5322 date-time in UTC.
std::string rfc5322_date(std::time_t when);

/// "addr@host" from "Name <addr@host>" or "addr@host".
std::string address_of(std::string_view mailbox);

/// The part after '@' of an address, or "localhost".
std::string domain_of(std::string_view address);

/// The whole message, CRLF line ends, ready for SMTP DATA. The MIME boundary starts with "=_",
/// which quoted-printable output can never contain.
std::string render_message(const email& mail, std::time_t date);

/// `text` with &, <, >, " and ' escaped for HTML.
std::string html_escape(std::string_view text);

} // namespace agora::domain
