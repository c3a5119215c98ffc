#include "tests/support/partition.hpp"

#include "tests/support/node_process.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <sstream>
#include <unistd.h>

namespace agora::test {

namespace {

std::string test_tag() {
  return "agora-test-" + std::to_string(::getpid());
}

/// The ports process `pid` listens on (TCP), as `ss` reports them.
std::set<std::string> listening_ports(int pid) {
  auto r = run_command("ss -Htlnp");
  REQUIRE(r.status == 0);
  std::set<std::string> ports;
  std::istringstream lines{r.output};
  std::string line;
  auto owner = "pid=" + std::to_string(pid) + ",";
  while (std::getline(lines, line)) {
    if (line.find(owner) == std::string::npos)
      continue;
    std::istringstream fields{line};
    std::string state, recv_q, send_q, local;
    fields >> state >> recv_q >> send_q >> local;
    ports.insert(local.substr(local.rfind(':') + 1));
  }
  REQUIRE(!ports.empty());
  return ports;
}

} // namespace

bool partition::available() {
  return ::geteuid() == 0 && run_command("iptables -w -L OUTPUT -n >/dev/null 2>&1").status == 0;
}

partition::partition(int pid, unsigned uid, int port) {
  // The node's packets are marked on their connection (CONNMARK) and dropped; packets to it are
  // dropped by that mark, so a port it held and the kernel gave to another process since (its
  // connections end while it is cut off) is not cut off with it. Connections to its listening
  // ports that it has not answered yet carry no mark: those ports are dropped by number.
  auto tag = " -m comment --comment " + test_tag();
  auto mark = std::to_string(0x10000 + uid % 0x10000);
  auto owner = "-m owner --uid-owner " + std::to_string(uid);
  auto to = port == 0 ? std::string{} : " -p tcp --dport " + std::to_string(port);
  // Inserted at the top in reverse: the mark is set before the drop.
  rules_.push_back("OUTPUT " + owner + to + tag + " -j DROP");
  rules_.push_back("OUTPUT " + owner + to + tag + " -j CONNMARK --set-mark " + mark);
  rules_.push_back("INPUT -m connmark --mark " + mark + tag + " -j DROP");
  if (port == 0)
    for (auto& local : listening_ports(pid))
      rules_.push_back("INPUT -p tcp --dport " + local + tag + " -j DROP");
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
