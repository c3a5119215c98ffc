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

/// The TCP ports process `pid` holds sockets on (listening or connected), as `ss` reports them.
std::set<std::string> ports_of(int pid) {
  auto r = run_command("ss -Htanp");
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
  return ports;
}

} // namespace

bool partition::available() {
  return ::geteuid() == 0 && run_command("iptables -w -L OUTPUT -n >/dev/null 2>&1").status == 0;
}

partition::partition(int pid, unsigned uid) {
  auto comment = " -m comment --comment " + tag() + " -j DROP";
  rules_.push_back("OUTPUT -m owner --uid-owner " + std::to_string(uid) + comment);
  for (auto& port : ports_of(pid))
    rules_.push_back("INPUT -p tcp --dport " + port + comment);
  REQUIRE(rules_.size() >= 3); // at least its HTTP and cluster ports
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
