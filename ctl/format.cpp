#include "ctl/format.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>
#include <set>

namespace agora::ctl {

namespace {

bool numeric(const std::string& s) {
  if (s.empty())
    return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) {
                       return (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '/';
                     })
         && s != "-";
}

/// Display width of UTF-8 text: one column per code point.
size_t width(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s)
    n += (c & 0xC0) != 0x80;
  return n;
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", decimals, v);
  return buf;
}

std::string money(const json& cents, const json& currency) {
  if (!cents.is_number())
    return "-";
  return fixed(cents.get<double>() / 100.0, 2) + " " + cell(currency);
}

/// "2026-12-02T23:40:01.123Z" → "23:40:01": enough for a table row of today.
std::string clock_of(const json& at) {
  if (!at.is_string())
    return "-";
  auto s = at.get<std::string>();
  auto t = s.find('T');
  return t == std::string::npos || s.size() < t + 9 ? s : s.substr(t + 1, 8);
}

/// Unix ms of "2026-12-02T23:40:01.123Z" (the door's timestamps); 0 when it is not one.
int64_t unix_ms_of(const json& at) {
  if (!at.is_string())
    return 0;
  std::tm tm{};
  int ms = 0;
  auto s = at.get<std::string>();
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms)
      != 7)
    return 0;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&tm)) * 1000 + ms;
}

std::string shorten(const std::string& s, size_t max) {
  return width(s) <= max ? s : s.substr(0, max - 1) + "~";
}

} // namespace

std::string table(const std::vector<std::string>& headers,
                  const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths(headers.size(), 0);
  std::vector<bool> right(headers.size(), true);
  for (size_t c = 0; c < headers.size(); ++c)
    widths[c] = width(headers[c]);
  for (auto& row : rows)
    for (size_t c = 0; c < row.size() && c < headers.size(); ++c) {
      widths[c] = std::max(widths[c], width(row[c]));
      if (!numeric(row[c]) && row[c] != "-")
        right[c] = false;
    }
  std::string out;
  auto line = [&](const std::vector<std::string>& cells) {
    std::string text;
    for (size_t c = 0; c < headers.size(); ++c) {
      auto value = c < cells.size() ? cells[c] : std::string{};
      auto pad = std::string(widths[c] - width(value), ' ');
      bool last = c + 1 == headers.size();
      text += right[c] ? pad + value : value + (last ? "" : pad);
      if (!last)
        text += "  ";
    }
    while (!text.empty() && text.back() == ' ')
      text.pop_back();
    out += text + "\n";
  };
  line(headers);
  for (auto& row : rows)
    line(row);
  return out;
}

std::optional<double> quantile(const std::vector<double>& le, const std::vector<int64_t>& before,
                               const std::vector<int64_t>& after, double q) {
  if (after.size() != le.size() + 1)
    return std::nullopt;
  std::vector<double> d(after.size());
  for (size_t i = 0; i < after.size(); ++i)
    d[i] = static_cast<double>(after[i] - (i < before.size() ? before[i] : 0));
  double total = d.back();
  if (total <= 0)
    return std::nullopt;
  double rank = q * total;
  for (size_t i = 0; i < le.size(); ++i)
    if (d[i] >= rank) {
      double lower = i == 0 ? 0.0 : le[i - 1];
      double below = i == 0 ? 0.0 : d[i - 1];
      double in_bucket = d[i] - below;
      if (in_bucket <= 0)
        return le[i];
      return lower + (le[i] - lower) * (rank - below) / in_bucket;
    }
  return le.empty() ? std::nullopt : std::optional<double>{le.back()}; // in the +Inf bucket
}

std::string duration_text(int64_t ms) {
  if (ms < 0)
    return "-";
  if (ms < 1000)
    return std::to_string(ms) + "ms";
  if (ms < 60000)
    return fixed(static_cast<double>(ms) / 1000.0, 1) + "s";
  auto s = ms / 1000;
  char buf[32];
  if (s < 3600)
    std::snprintf(buf, sizeof(buf), "%lldm%02llds", static_cast<long long>(s / 60),
                  static_cast<long long>(s % 60));
  else
    std::snprintf(buf, sizeof(buf), "%lldh%02lldm", static_cast<long long>(s / 3600),
                  static_cast<long long>(s / 60 % 60));
  return buf;
}

std::string cell(const json& v) {
  if (v.is_null())
    return "-";
  if (v.is_string())
    return v.get<std::string>();
  if (v.is_array()) {
    std::string out;
    for (auto& x : v)
      out += (out.empty() ? "" : ",") + cell(x);
    return out.empty() ? "-" : out;
  }
  return v.dump();
}

std::string cluster_screen(const json& cluster) {
  std::vector<std::vector<std::string>> rows;
  for (auto& n : cluster.value("nodes", json::array()))
    rows.push_back({cell(n["id"]), cell(n["status"]), cell(n["roles"]), cell(n["incarnation"]),
                    duration_text(n.value("heartbeat_age_ms", int64_t{-1})),
                    cell(n["shards"]["orders"]), cell(n["shards"]["inventory"]), cell(n["address"]),
                    cell(n["cluster_address"])});
  return table(
    {"NODE", "STATUS", "ROLES", "INC", "HEARTBEAT", "ORDERS", "INVENTORY", "HTTP", "CLUSTER"},
    rows);
}

std::string shards_screen(const json& shards) {
  std::vector<std::vector<std::string>> rows;
  std::map<std::string, std::map<std::string, int>> owners; // kind → owner → shards
  for (auto& s : shards.value("items", json::array())) {
    rows.push_back({cell(s["kind"]), cell(s["shard"]), cell(s["owner"]), cell(s["epoch"]),
                    clock_of(s["since"]), clock_of(s["expires_at"])});
    ++owners[cell(s["kind"])][cell(s["owner"])];
  }
  auto out = table({"KIND", "SHARD", "OWNER", "EPOCH", "SINCE", "EXPIRES"}, rows);
  for (auto& [kind, by] : owners) {
    out += "\n" + kind + ":";
    for (auto& [owner, n] : by)
      out += " " + (owner == "-" ? std::string{"unowned"} : owner) + " " + std::to_string(n);
  }
  return owners.empty() ? out : out + "\n";
}

std::string actors_screen(const json& page) {
  std::vector<std::vector<std::string>> rows;
  for (auto& a : page.value("items", json::array()))
    rows.push_back({cell(a["id"]), cell(a["type"]), cell(a["key"]), cell(a["state"]),
                    cell(a["mailbox"]), cell(a["messages"]), clock_of(a["since"])});
  auto out = table({"ID", "TYPE", "KEY", "STATE", "MAILBOX", "MESSAGES", "SINCE"}, rows);
  auto shown = page.value("items", json::array()).size();
  out += "\n" + std::to_string(shown) + " of " + cell(page["total"]) + " live actors on "
         + cell(page["nodes"]);
  if (!page.value("missing", json::array()).empty())
    out += "; not answering: " + cell(page["missing"]);
  return out + "\n";
}

std::string order_screen(const json& o) {
  std::vector<std::vector<std::string>> rows{
    {"status", cell(o["status"]) + (o["reason"].is_null() ? "" : " (" + cell(o["reason"]) + ")")},
    {"customer", cell(o["customer_email"])},
    {"total", money(o["total_cents"], o["currency"])},
    {"items", std::to_string(o.value("items", json::array()).size())},
    {"created", cell(o["created_at"])},
    {"updated", cell(o["updated_at"])}};
  if (!o["payment"].is_null())
    rows.push_back({"payment", cell(o["payment"]["id"]) + " " + cell(o["payment"]["status"]) + " "
                                 + money(o["payment"]["amount_cents"], o["currency"])});
  if (!o["shipment"].is_null())
    rows.push_back({"shipment", cell(o["shipment"]["id"]) + " " + cell(o["shipment"]["status"])
                                  + " " + cell(o["shipment"]["carrier"]) + " "
                                  + cell(o["shipment"]["tracking_number"])});
  return cell(o["id"]) + "\n" + table({"FIELD", "VALUE"}, rows);
}

std::string replay_screen(const json& r) {
  std::vector<std::vector<std::string>> rows;
  for (auto& step : r.value("events", json::array())) {
    auto& s = step["state_after"];
    rows.push_back({cell(step["seq"]), cell(step["event"]["type"]), clock_of(step["event"]["at"]),
                    cell(s["status"]), cell(s["owes"]), s.value("settled", false) ? "yes" : "no"});
  }
  auto out = table({"SEQ", "EVENT", "AT", "STATUS AFTER", "OWES", "SETTLED"}, rows);
  if (r.value("matches", false))
    return out + "\nprojection: matches the replayed journal\n";
  std::vector<std::vector<std::string>> diffs;
  for (auto& d : r.value("differences", json::array()))
    diffs.push_back({cell(d["field"]), cell(d["replayed"]), cell(d["stored"])});
  return out + "\nprojection DIFFERS from the replayed journal:\n"
         + table({"FIELD", "REPLAYED", "STORED"}, diffs);
}

std::string mail_screen(const json& page) {
  std::vector<std::vector<std::string>> rows;
  for (auto& m : page.value("items", json::array()))
    rows.push_back({cell(m["id"]), cell(m["type"]), cell(m["to"]), cell(m["status"]),
                    cell(m["attempts"]), shorten(cell(m["last_error"]), 60),
                    clock_of(m["created_at"])});
  auto out = table({"ID", "TYPE", "TO", "STATUS", "ATTEMPTS", "LAST ERROR", "CREATED"}, rows);
  return out + "\n" + std::to_string(rows.size()) + " of " + cell(page["total"]) + "\n";
}

std::string top_screen(const json& before, const json& now) {
  std::map<std::string, json> prev;
  if (before.is_object())
    for (auto& n : before.value("nodes", json::array()))
      prev[n["node"].get<std::string>()] = n;
  std::vector<std::vector<std::string>> rows;
  std::set<std::string> types;
  double cluster_rate = 0;
  bool rated = false;
  for (auto& n : now.value("nodes", json::array())) {
    auto id = n["node"].get<std::string>();
    auto& le = n["latency_seconds"]["le"];
    auto after = n["latency_seconds"]["counts"].get<std::vector<int64_t>>();
    std::vector<int64_t> base;
    std::string rate = "-", req_rate = "-";
    auto p = prev.find(id);
    if (p != prev.end()) {
      base = p->second["latency_seconds"]["counts"].get<std::vector<int64_t>>();
      // The nodes stamp their samples; the seconds between two of one node's are exact.
      auto ms = std::max<int64_t>(1, unix_ms_of(n["at"]) - unix_ms_of(p->second["at"]));
      double orders = n["orders_created"].get<double>() - p->second["orders_created"].get<double>();
      double requests = n["requests"].get<double>() - p->second["requests"].get<double>();
      rate = fixed(orders * 1000.0 / static_cast<double>(ms), 1);
      req_rate = fixed(requests * 1000.0 / static_cast<double>(ms), 1);
      cluster_rate += orders * 1000.0 / static_cast<double>(ms);
      rated = true;
    }
    auto p99 = quantile(le.get<std::vector<double>>(), base, after, 0.99);
    rows.push_back({id, rate, req_rate, p99 ? fixed(*p99 * 1000.0, 1) + "ms" : "-",
                    cell(n["live_actors"]), cell(n["orders_created"])});
    for (auto& [type, count] : n["actors"].items())
      types.insert(type);
  }
  auto out = table({"NODE", "ORDERS/S", "REQ/S", "P99", "ACTORS", "ORDERS"}, rows);
  if (rated)
    out += "cluster: " + fixed(cluster_rate, 1) + " orders/s\n";
  if (!now.value("missing", json::array()).empty())
    out += "not answering: " + cell(now["missing"]) + "\n";
  std::vector<std::string> headers{"TYPE"};
  for (auto& n : now.value("nodes", json::array()))
    headers.push_back(n["node"].get<std::string>());
  std::vector<std::vector<std::string>> by_type;
  for (auto& type : types) {
    std::vector<std::string> row{type};
    for (auto& n : now.value("nodes", json::array()))
      row.push_back(n["actors"].contains(type) ? cell(n["actors"][type]) : "0");
    by_type.push_back(std::move(row));
  }
  return out + "\n" + table(headers, by_type);
}

} // namespace agora::ctl
