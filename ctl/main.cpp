// agoractl: the console's JSON, for people (tables) and scripts (--json), from a terminal.
#include "ctl/client.hpp"
#include "ctl/format.hpp"
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using namespace agora::ctl;

// Exit codes scripts can rely on (also in --help and docs/operations.md).
enum exit_code : int {
  ok = 0,
  failed = 1,      ///< the node answered with another error, or an answer that is not JSON
  usage = 2,       ///< the command line is wrong
  unreachable = 3, ///< no answer: connection refused, timed out, bad URL
  denied = 4,      ///< 401 or 403: no token, a wrong one, or a role that may not
  not_found = 5,   ///< 404
  conflict = 6,    ///< 409: the thing is not in a state that allows it
  unavailable = 7, ///< 503: the node or cluster cannot serve now
};

const char* help_text = R"(agoractl: look inside an agora cluster through any node's front door.

usage: agoractl [--url URL] [--token TOKEN] [--json] [--timeout SECONDS] COMMAND [ARGS]

commands:
  cluster                    nodes: status, roles, incarnation, heartbeat age, shards owned
  shards [--kind orders|inventory]
                             the shard map: owner and epoch of every shard
  actors [--type T] [--node N] [--q TEXT] [--sort id|mailbox|messages] [--limit N] [--offset N]
                             live actors across the cluster
  order ID [--replay]        one order; --replay: its journal replayed beside its projection
  mail [failed|queued|sent|suppressed]
                             the outbox (default: all), with the last error of each mail
  mail retry ID              put a FAILED mail back in the queue (admin token)
  top [--interval SECONDS] [--count N]
                             orders/s, p99 and live actors per node, refreshed (N screens)

options:
  --url URL        the node's front door (default $AGORACTL_URL, else http://127.0.0.1:8080)
  --token TOKEN    a staff token (default $AGORACTL_TOKEN); sent as a bearer header only
  --json           print the door's JSON instead of a table (top: one object per line)
  --timeout S      seconds to wait for an answer (default 10)

exit codes: 0 ok, 1 other error, 2 usage, 3 node unreachable, 4 token missing, wrong or not
allowed (401/403), 5 not found, 6 conflict (409), 7 unavailable (503)
)";

struct command_line {
  target to;
  bool json_out = false;
  std::vector<std::string> words;           ///< the command and its positional args
  std::map<std::string, std::string> flags; ///< the command's --name value pairs
};

std::optional<command_line> parse(int argc, char** argv, std::string& error) {
  command_line c;
  if (auto* url = std::getenv("AGORACTL_URL"))
    c.to.url = url;
  if (auto* token = std::getenv("AGORACTL_TOKEN"))
    c.to.token = token;
  std::vector<std::string> args(argv + 1, argv + argc);
  for (size_t i = 0; i < args.size(); ++i) {
    auto a = args[i];
    if (a.rfind("--", 0) != 0) {
      c.words.push_back(a);
      continue;
    }
    auto name = a.substr(2);
    std::string value;
    bool has_value = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    if (name == "json" || name == "replay" || name == "help") {
      c.flags[name] = "1";
      continue;
    }
    if (!has_value) {
      if (i + 1 >= args.size()) {
        error = "--" + name + " needs a value";
        return std::nullopt;
      }
      value = args[++i];
    }
    if (name == "url")
      c.to.url = value;
    else if (name == "token")
      c.to.token = value;
    else if (name == "timeout") {
      char* end = nullptr;
      double s = std::strtod(value.c_str(), &end);
      if (end == value.c_str() || *end != '\0' || s <= 0) {
        error = "--timeout must be a positive number of seconds";
        return std::nullopt;
      }
      c.to.timeout_ms = static_cast<long>(s * 1000);
    } else
      c.flags[name] = value;
  }
  c.json_out = c.flags.erase("json") > 0;
  return c;
}

int exit_for(int status) {
  switch (status) {
    case 401:
    case 403: return denied;
    case 404: return not_found;
    case 409: return conflict;
    case 503: return unavailable;
    default: return failed;
  }
}

/// GETs or POSTs `path`; on success hands the JSON to `show`, else says why on stderr.
template <class Show>
int run(const command_line& c, const std::string& method, const std::string& path, Show show) {
  auto r = call(c.to, method, path);
  if (r.status == 0) {
    std::cerr << "agoractl: cannot reach " << c.to.url << ": " << r.error << "\n";
    return unreachable;
  }
  auto body = json::parse(r.body, nullptr, false);
  if (r.status >= 400) {
    std::cerr << "agoractl: " << r.status;
    if (body.is_object())
      std::cerr << " " << cell(body.value("title", json(""))) << ": "
                << cell(body.value("detail", json("")));
    if (r.status == 401)
      std::cerr << " (give a staff token: --token or AGORACTL_TOKEN)";
    std::cerr << "\n";
    return exit_for(r.status);
  }
  if (body.is_discarded()) {
    std::cerr << "agoractl: " << path << " did not answer JSON\n";
    return failed;
  }
  if (c.json_out)
    std::cout << body.dump(2) << "\n";
  else
    std::cout << show(body);
  return ok;
}

/// "?a=1&b=2" from the flags named (those given).
std::string query(const command_line& c, const std::vector<std::string>& names) {
  std::string q;
  for (auto& n : names) {
    auto i = c.flags.find(n);
    if (i != c.flags.end())
      q += (q.empty() ? "?" : "&") + n + "=" + escape(i->second);
  }
  return q;
}

/// The flags a command does not take, named; empty when none.
std::string unknown_flags(const command_line& c, const std::vector<std::string>& known) {
  for (auto& [name, value] : c.flags) {
    bool found = false;
    for (auto& k : known)
      found = found || k == name;
    if (!found)
      return "--" + name;
  }
  return {};
}

int top(const command_line& c) {
  double interval = 2;
  long count = -1;
  try {
    if (c.flags.count("interval"))
      interval = std::stod(c.flags.at("interval"));
    if (c.flags.count("count"))
      count = std::stol(c.flags.at("count"));
  } catch (const std::exception&) {
    interval = -1;
  }
  if (interval <= 0 || count == 0 || count < -1) {
    std::cerr << "agoractl: --interval must be positive seconds and --count a positive number\n";
    return usage;
  }
  bool tty = isatty(STDOUT_FILENO) != 0 && !c.json_out;
  json before;
  for (long shown = 0; count < 0 || shown < count; ++shown) {
    if (shown > 0)
      std::this_thread::sleep_for(std::chrono::milliseconds{static_cast<long>(interval * 1000)});
    auto r = call(c.to, "GET", "/admin/stats");
    if (r.status != 200)
      return run(c, "GET", "/admin/stats", [](const json&) {
        return std::string{};
      });
    auto now = json::parse(r.body, nullptr, false);
    if (c.json_out) {
      std::cout << now.dump() << std::endl;
    } else {
      if (tty)
        std::cout << "\x1b[H\x1b[2J";
      std::cout << "agora top: " << c.to.url << " (every " << interval << " s)\n\n"
                << top_screen(before, now) << std::flush;
    }
    before = std::move(now);
  }
  return ok;
}

int dispatch(const command_line& c) {
  auto& w = c.words;
  auto bad = [](const std::string& why) {
    std::cerr << "agoractl: " << why << " (agoractl --help)\n";
    return usage;
  };
  auto takes = [&](std::vector<std::string> known) {
    return unknown_flags(c, known);
  };
  if (w.empty())
    return bad("no command");
  auto& cmd = w[0];
  if (cmd == "cluster" && w.size() == 1 && takes({}).empty())
    return run(c, "GET", "/admin/cluster", cluster_screen);
  if (cmd == "shards" && w.size() == 1 && takes({"kind"}).empty())
    return run(c, "GET", "/admin/shards" + query(c, {"kind"}), shards_screen);
  if (cmd == "actors" && w.size() == 1) {
    std::vector<std::string> known{"type", "node", "q", "sort", "limit", "offset"};
    if (auto u = takes(known); !u.empty())
      return bad("actors does not take " + u);
    return run(c, "GET", "/admin/actors" + query(c, known), actors_screen);
  }
  if (cmd == "order" && w.size() == 2 && takes({"replay"}).empty()) {
    if (c.flags.count("replay"))
      return run(c, "GET", "/admin/orders/" + escape(w[1]) + "/replay", replay_screen);
    return run(c, "GET", "/orders/" + escape(w[1]), order_screen);
  }
  if (cmd == "mail" && w.size() == 3 && w[1] == "retry" && takes({}).empty())
    return run(c, "POST", "/admin/notifications/" + escape(w[2]) + "/retry", [](const json& m) {
      return cell(m["id"]) + " is " + cell(m["status"])
             + " again (last error: " + cell(m["last_error"]) + ")\n";
    });
  if (cmd == "mail" && w.size() <= 2 && takes({"limit", "offset"}).empty()) {
    static const std::map<std::string, std::string> statuses{
      {"failed", "FAILED"}, {"queued", "QUEUED"}, {"sent", "SENT"}, {"suppressed", "SUPPRESSED"}};
    std::string path = "/admin/notifications" + query(c, {"limit", "offset"});
    if (w.size() == 2) {
      auto s = statuses.find(w[1]);
      if (s == statuses.end())
        return bad("mail takes failed, queued, sent, suppressed or retry ID");
      path +=
        (path.find('?') == std::string::npos ? "?" : "&") + std::string{"status="} + s->second;
    }
    return run(c, "GET", path, mail_screen);
  }
  if (cmd == "top" && w.size() == 1 && takes({"interval", "count"}).empty())
    return top(c);
  return bad("unknown command or wrong arguments: " + cmd);
}

} // namespace

int main(int argc, char** argv) {
  std::string error;
  auto c = parse(argc, argv, error);
  if (!c) {
    std::cerr << "agoractl: " << error << " (agoractl --help)\n";
    return usage;
  }
  if (c->flags.count("help") || (c->words.size() == 1 && c->words[0] == "help")) {
    std::cout << help_text;
    return ok;
  }
  return dispatch(*c);
}
