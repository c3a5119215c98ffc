#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace agora::test {

/// A loopback TCP port that was free a moment ago (bind to port 0, read it, close).
uint16_t free_port();

struct command_result {
  int status = -1;    ///< exit status
  std::string output; ///< stdout and stderr
};

/// Runs `shell_command` with /bin/sh and waits for it.
command_result run_command(const std::string& shell_command);

/// A new empty folder "<what>-<random>" under the tests' scratch folder ($AGORA_TEST_TMP).
std::string scratch_dir(const std::string& what);

/// The flags that give node `name` the test cluster's certificates (mutual TLS on the cluster
/// port): one cluster CA per test process, made with scripts/cluster-certs.sh on first use.
/// `ca_dir` other than empty: the certificates of another CA (a stranger's) in that folder.
std::vector<std::string> cluster_tls(const std::string& name, const std::string& ca_dir = {});

/// Appends cluster_tls(name) to `flags`.
void with_tls(std::vector<std::string>& flags, const std::string& name);

/// The whole content of a file ("" when it cannot be read).
std::string read_text(const std::string& path);

/// A real `agora` process (the binary named by $AGORA_BINARY), or another `program`, its stderr
/// captured in a file. The destructor kills it if it still runs.
class node_process {
 public:
  /// Starts the node with `args`; `env` entries ("NAME=value") are added to the environment.
  /// `uid` other than 0: the process runs as that user and group (no name needed), which a test
  /// can match packets by (see partition.hpp).
  explicit node_process(std::vector<std::string> args, std::vector<std::string> env = {},
                        std::string program = {}, unsigned uid = 0);
  ~node_process();

  node_process(const node_process&) = delete;
  node_process& operator=(const node_process&) = delete;

  /// Waits until the node logged "node.started" and returns its HTTP port (0 on timeout or exit).
  uint16_t wait_started(std::chrono::milliseconds deadline = std::chrono::seconds{30});

  /// "http://127.0.0.1:<port>".
  std::string base_url() const;

  void signal(int sig);

  /// Waits for the process to end; its exit code, or nullopt on timeout (-signal when killed).
  std::optional<int> wait_exit(std::chrono::milliseconds deadline = std::chrono::seconds{20});

  /// Everything the node wrote to stderr so far.
  std::string log() const;

  int pid() const {
    return pid_;
  }

 private:
  int pid_ = -1;
  std::optional<int> exit_code_;
  uint16_t port_ = 0;
  std::string log_path_;
};

} // namespace agora::test
