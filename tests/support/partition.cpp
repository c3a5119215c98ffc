#include "tests/support/partition.hpp"

#include "tests/support/node_process.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <sstream>
#include <unistd.h>

namespace agora::test {

namespace {

std::string tag() {
  return "agora-test-" + std::to_string(::getpid());
}

/// The local ports of process `pid`'s TCP sockets (listening or connected), as `ss` reports
/// them; `peer_port` other than 0: only those connected to that remote port.
std::set<std::string> ports_of(int pid, int peer_port) {
  auto r = run_command("ss -Htanp");
  REQUIRE(r.status == 0);
  std::set<std::string> ports;
  std::istringstream lines{r.output};
  std::string line;
  auto owner = "pid=" + std::to_string(pid) + ",";
  auto port_of = [](const std::string& address) {
    return address.substr(address.rfind(':') + 1);
  };
  while (std::getline(lines, line)) {
    if (line.find(owner) == std::string::npos)
      continue;
    std::istringstream fields{line};
    std::string state, recv_q, send_q, local, peer;
    fields >> state >> recv_q >> send_q >> local >> peer;
    if (peer_port == 0 || port_of(peer) == std::to_string(peer_port))
      ports.insert(port_of(local));
  }
  return ports;
}

} // namespace

bool partition::available() {
  return ::geteuid() == 0 && run_command("iptables -w -L OUTPUT -n >/dev/null 2>&1").status == 0;
}

partition::partition(int pid, unsigned uid, int port) {
  auto comment = " -m comment --comment " + tag() + " -j DROP";
  auto owner = "-m owner --uid-owner " + std::to_string(uid);
  if (port == 0) {
    rules_.push_back("OUTPUT " + owner + comment);
    for (auto& local : ports_of(pid, 0))
      rules_.push_back("INPUT -p tcp --dport " + local + comment);
  } else {
    auto from = " --sport " + std::to_string(port) + " --dport ";
    rules_.push_back("OUTPUT " + owner + " -p tcp --dport " + std::to_string(port) + comment);
    for (auto& local : ports_of(pid, port))
      rules_.push_back("INPUT -p tcp" + from + local + comment);
  }
  REQUIRE(rules_.size() >= 2); // something was cut
  for (auto& rule : rules_) {
    auto r = run_command("iptables -w -I " + rule);
    INFO(rule << ": " << r.output);
    REQUIRE(r.status == 0);
  }
}

void partition::heal() {
  for (auto& rule : rules_)
    run_command("iptables -w -D " + rule);
  rules_.clear();
}

partition::~partition() {
  heal();
}

} // namespace agora::test
