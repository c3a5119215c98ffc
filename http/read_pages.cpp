#include "http/read_pages.hpp"

#include "actors/domain/ids.hpp"

#include <set>

namespace agora::http {

std::optional<std::string> path_id(const exchange_ptr& ex, std::string_view prefix) {
  auto id = std::string{ex->param("id")};
  if (!domain::is_well_formed_id(prefix, id)) {
    ex->respond_problem(make_problem(protocol::errc::not_found, "no such resource"));
    return std::nullopt;
  }
  return id;
}

std::optional<protocol::list_filter> page_filter(const exchange_ptr& ex) {
  auto page = parse_page(ex);
  if (!page)
    return std::nullopt;
  protocol::list_filter f;
  f.limit = page->limit;
  f.offset = page->offset;
  f.order_id = ex->query("order_id").value_or("");
  return f;
}

std::optional<field_error> notification_status_error(const std::string& status) {
  static const std::set<std::string> statuses{"QUEUED", "SENT", "FAILED", "SUPPRESSED"};
  if (status.empty() || statuses.count(status) == 1)
    return std::nullopt;
  return field_error{"status", "must be QUEUED, SENT, FAILED or SUPPRESSED"};
}

} // namespace agora::http
