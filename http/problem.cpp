#include "http/problem.hpp"

#include "runtime/base/log.hpp"

#include <caf/sec.hpp>
#include <nlohmann/json.hpp>

#include <cctype>

namespace agora::http {

using protocol::errc;

int status_of(errc code) {
  switch (code) {
    case errc::none: return 200;
    case errc::invalid_argument: return 400;
    case errc::unauthenticated: return 401;
    case errc::forbidden: return 403;
    case errc::not_found: return 404;
    case errc::conflict: return 409;
    case errc::idempotency_mismatch: return 422;
    case errc::overloaded: return 503;
    case errc::storage_unavailable: return 503;
    case errc::timeout: return 503;
    case errc::unavailable: return 503;
    case errc::internal: return 500;
    case errc::method_not_allowed: return 405;
    case errc::payload_too_large: return 413;
    case errc::unsupported_media_type: return 415;
    case errc::rate_limited: return 429;
    case errc::uri_too_long: return 414;
    case errc::headers_too_large: return 431;
    case errc::not_implemented: return 501;
    case errc::fenced: return 503;
    case errc::not_owner: return 503;
  }
  return 500;
}

std::string reason_of(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    default: return "Unknown";
  }
}

std::string type_of(int status) {
  std::string slug;
  for (char c : reason_of(status))
    slug += c == ' ' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return "https://agora.dev/problems/" + slug;
}

problem make_problem(errc code, std::string detail) {
  problem p;
  p.status = status_of(code);
  p.title = reason_of(p.status);
  p.detail = std::move(detail);
  if (p.status == 503)
    p.retry_after = 1;
  return p;
}

problem invalid(std::vector<field_error> errors) {
  auto p = make_problem(errc::invalid_argument, errors.size() == 1
                                                  ? errors[0].field + ": " + errors[0].message
                                                  : "the request has invalid fields");
  p.errors = std::move(errors);
  return p;
}

problem from_error(const caf::error& err, std::string_view rendered) {
  if (err.category() == caf::atom("agora")) {
    auto code = static_cast<errc>(err.code());
    std::string detail;
    if (!err.context().empty() && err.context().match_element<std::string>(0))
      detail = err.context().get_as<std::string>(0);
    if (code == errc::internal || detail.empty())
      detail = code == errc::internal ? "internal error" : std::string{protocol::to_string(code)};
    return make_problem(code, std::move(detail));
  }
  if (err.category() == caf::atom("system")) {
    auto code = static_cast<caf::sec>(err.code());
    if (code == caf::sec::request_timeout)
      return make_problem(errc::timeout, "the request timed out inside the cluster");
    if (code == caf::sec::request_receiver_down || code == caf::sec::no_route_to_receiving_node)
      return make_problem(errc::unavailable, "the actor serving this request is unavailable");
  }
  log::error("http.unmapped_error").kv("error", rendered);
  return make_problem(errc::internal, "internal error");
}

std::string to_json(const problem& p) {
  nlohmann::json j{
    {"type", type_of(p.status)}, {"title", p.title}, {"status", p.status}, {"detail", p.detail}};
  if (!p.errors.empty()) {
    auto& arr = j["errors"] = nlohmann::json::array();
    for (auto& e : p.errors)
      arr.push_back({{"field", e.field}, {"message", e.message}});
  }
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace agora::http
