#include "tests/support/node_process.hpp"

#include "runtime/base/random.hpp"
#include "tests/support/wait.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <arpa/inet.h>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <netinet/in.h>
#include <regex>
#include <spawn.h>
#include <sstream>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace agora::test {

uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) == 0
      && ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  ::close(fd);
  REQUIRE(port != 0);
  return port;
}

std::string scratch_dir(const std::string& what) {
  const char* tmp = std::getenv("AGORA_TEST_TMP");
  auto dir = std::string{tmp ? tmp : AGORA_TEST_TMP} + "/" + what + "-" + random_hex(6);
  std::filesystem::create_directories(dir);
  return dir;
}

std::vector<std::string> cluster_tls(const std::string& name, const std::string& ca_dir) {
  static const std::string shared = scratch_dir("cluster-certs");
  auto dir = ca_dir.empty() ? shared : ca_dir;
  auto made = run_command("bash " AGORA_SOURCE_DIR "/scripts/cluster-certs.sh " + dir + " " + name);
  REQUIRE(made.status == 0);
  return {"--cluster-cert=" + dir + "/" + name + ".pem",
          "--cluster-key=" + dir + "/" + name + ".key", "--cluster-ca=" + dir + "/ca.pem"};
}

void with_tls(std::vector<std::string>& flags, const std::string& name) {
  for (auto& f : cluster_tls(name))
    flags.push_back(f);
}

std::string read_text(const std::string& path) {
  std::ifstream in{path};
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

command_result run_command(const std::string& shell_command) {
  command_result r;
  FILE* pipe = ::popen((shell_command + " 2>&1").c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof(buf), pipe)) > 0;)
    r.output.append(buf, n);
  int status = ::pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

namespace {

/// `file` copied to /tmp for `uid` (0: world-readable, for the binary), made once per test
/// process and removed at its end; the copy's path.
std::string copy_for(const std::string& file, const std::string& name, unsigned uid) {
  struct copy_dir {
    std::string path = "/tmp/agora-run-as-" + std::to_string(::getpid());
    ~copy_dir() { // at exit, when the test framework is gone: no REQUIRE, no run_command
      std::error_code ignored;
      std::filesystem::remove_all(path, ignored);
    }
  };
  static copy_dir dir;
  static std::mutex mutex;
  std::lock_guard<std::mutex> guard{mutex};
  auto to = dir.path + "/" + name;
  if (::access(to.c_str(), F_OK) != 0) {
    auto id = std::to_string(uid);
    auto r =
      run_command("install -D " + (uid == 0 ? "-m 755 " : "-m 400 -o " + id + " -g " + id + " ")
                  + file + " " + to + " && chmod 755 " + dir.path);
    REQUIRE(r.status == 0);
  }
  return to;
}

/// The node runs as `uid`, who may not reach into the build folder: the binary and the cluster
/// certificate files are copied to /tmp for it.
void run_as(std::string& binary, std::vector<std::string>& args, unsigned uid) {
  binary = copy_for(binary, "agora", 0);
  for (auto& a : args)
    for (std::string flag : {"--cluster-cert=", "--cluster-key=", "--cluster-ca="})
      if (a.rfind(flag, 0) == 0) {
        auto file = a.substr(flag.size());
        auto name = std::to_string(uid) + "-" + std::filesystem::path{file}.filename().string();
        a = flag + copy_for(file, name, uid);
      }
}

} // namespace

node_process::node_process(std::vector<std::string> args, std::vector<std::string> env,
                           std::string program, unsigned uid) {
  const char* binary = std::getenv("AGORA_BINARY");
  if (!binary)
    binary = AGORA_BINARY;
  if (!program.empty())
    binary = program.c_str();
  const char* tmp = std::getenv("AGORA_TEST_TMP");
  log_path_ = std::string{tmp ? tmp : AGORA_TEST_TMP} + "/node-" + random_hex(6) + ".log";
  std::vector<std::string> all_env;
  for (char** e = environ; *e; ++e)
    if (std::string{*e}.rfind("AGORA_", 0) != 0) // the test decides every AGORA_* variable
      all_env.emplace_back(*e);
  all_env.insert(all_env.end(), env.begin(), env.end());
  // Tests place orders, sign in and mail one address faster than a public deployment allows:
  // the limits are off unless a test sets them (by flag, or by these variables).
  for (std::string off : {"AGORA_RATE_ORDERS=off", "AGORA_RATE_REQUESTS=off",
                          "AGORA_RATE_LOGINS=off", "AGORA_MAIL_CAP_PER_HOUR=0"}) {
    auto name = off.substr(0, off.find('=') + 1);
    if (std::none_of(env.begin(), env.end(), [&](const std::string& e) {
          return e.rfind(name, 0) == 0;
        }))
      all_env.push_back(off);
  }
  std::string copy = binary;
  if (uid != 0)
    run_as(copy, args, uid);
  args.insert(args.begin(), copy);
  std::string setpriv = "/usr/bin/setpriv";
  if (uid != 0) { // setpriv changes user and group, then becomes the node (the same pid)
    auto id = std::to_string(uid);
    args.insert(args.begin(), {setpriv, "--reuid=" + id, "--regid=" + id, "--clear-groups", "--"});
    binary = setpriv.c_str();
  }
  std::vector<char*> argv, envp;
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : all_env)
    envp.push_back(e.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 2, log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  int rc = posix_spawn(&pid_, binary, &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  REQUIRE(rc == 0);
}

node_process::~node_process() {
  if (!exit_code_ && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
}

std::string node_process::log() const {
  std::ifstream in{log_path_};
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

uint16_t node_process::wait_started(std::chrono::milliseconds deadline) {
  static const std::regex started{R"("event":"node.started","url":"http://[^"]*:(\d+))"};
  wait_until(
    [&] {
      std::smatch m;
      auto text = log();
      if (std::regex_search(text, m, started)) {
        port_ = static_cast<uint16_t>(std::stoi(m[1]));
        return true;
      }
      int status = 0;
      if (!exit_code_ && ::waitpid(pid_, &status, WNOHANG) == pid_)
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
      return exit_code_.has_value();
    },
    deadline);
  if (port_ == 0)
    UNSCOPED_INFO("node log:\n" << log());
  return port_;
}

std::string node_process::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

void node_process::signal(int sig) {
  if (!exit_code_)
    ::kill(pid_, sig);
}

std::optional<int> node_process::wait_exit(std::chrono::milliseconds deadline) {
  wait_until(
    [&] {
      int status = 0;
      if (!exit_code_ && ::waitpid(pid_, &status, WNOHANG) == pid_)
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
      return exit_code_.has_value();
    },
    deadline);
  return exit_code_;
}

} // namespace agora::test
