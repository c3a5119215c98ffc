#include "cluster/placement.hpp"

#include <charconv>

namespace agora::cluster {

namespace {

std::optional<endpoint> parse_one(std::string_view item) {
  endpoint ep;
  std::string_view port;
  if (!item.empty() && item.front() == '[') {
    auto close = item.find(']');
    if (close == std::string_view::npos || close + 1 >= item.size() || item[close + 1] != ':')
      return std::nullopt;
    ep.host = std::string{item.substr(1, close - 1)};
    port = item.substr(close + 2);
  } else {
    auto colon = item.rfind(':');
    if (colon == std::string_view::npos || item.find(':') != colon)
      return std::nullopt;
    ep.host = std::string{item.substr(0, colon)};
    port = item.substr(colon + 1);
  }
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ep.host.empty() || ec != std::errc{} || end != port.data() + port.size() || value == 0
      || value > 65535)
    return std::nullopt;
  ep.port = static_cast<uint16_t>(value);
  return ep;
}

} // namespace

std::optional<std::vector<endpoint>> parse_endpoints(std::string_view text) {
  std::vector<endpoint> out;
  while (!text.empty()) {
    auto comma = text.find(',');
    auto item = text.substr(0, comma);
    auto ep = parse_one(item);
    if (!ep)
      return std::nullopt;
    out.push_back(std::move(*ep));
    if (comma == std::string_view::npos)
      break;
    text.remove_prefix(comma + 1);
    if (text.empty())
      return std::nullopt; // trailing comma
  }
  return out;
}

} // namespace agora::cluster
