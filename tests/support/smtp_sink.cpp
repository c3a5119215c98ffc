#include "tests/support/smtp_sink.hpp"

#include "runtime/base/random.hpp"
#include "tests/support/wait.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace agora::test {

namespace fs = std::filesystem;

namespace {

std::string tmp_root() {
  const char* tmp = std::getenv("AGORA_TEST_TMP");
  return tmp ? tmp : AGORA_TEST_TMP;
}

} // namespace

smtp_sink::smtp_sink(smtp_sink_options options)
  : options_(std::move(options)), port_(free_port()), dir_(scratch_dir("smtp")) {
  start();
}

smtp_sink::~smtp_sink() {
  if (process_) {
    process_->signal(SIGTERM);
    process_->wait_exit(std::chrono::seconds{5});
  }
}

void smtp_sink::start() {
  std::vector<std::string> args{AGORA_SOURCE_DIR "/scripts/smtp-sink.py", "--port",
                                std::to_string(port_), "--dir", dir_};
  for (auto& r : options_.reject)
    args.insert(args.end(), {"--reject", r});
  if (!options_.tls_cert.empty())
    args.insert(args.end(), {"--tls-cert", options_.tls_cert, "--tls-key", options_.tls_key});
  if (options_.require_tls)
    args.push_back("--require-tls");
  if (!options_.auth.empty())
    args.insert(args.end(), {"--auth", options_.auth});
  process_ = std::make_unique<node_process>(args, std::vector<std::string>{}, "/usr/bin/python3");
  bool ready = wait_until(
    [&] {
      return process_->log().find("smtp-sink ready") != std::string::npos
             || process_->wait_exit(std::chrono::milliseconds{0}).has_value();
    },
    std::chrono::seconds{15});
  INFO("smtp sink log:\n" << process_->log());
  REQUIRE(ready);
  REQUIRE(process_->log().find("smtp-sink ready") != std::string::npos);
}

void smtp_sink::kill() {
  process_->signal(SIGKILL);
  process_->wait_exit();
  process_.reset();
}

std::string smtp_sink::url() const {
  return "smtp://127.0.0.1:" + std::to_string(port_);
}

std::vector<nlohmann::json> smtp_sink::messages() const {
  return read_sink_folder(dir_);
}

std::vector<nlohmann::json> read_sink_folder(const std::string& dir) {
  std::vector<fs::path> files;
  for (auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".json")
      files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::vector<nlohmann::json> out;
  for (auto& f : files)
    out.push_back(nlohmann::json::parse(read_text(f)));
  return out;
}

std::string shared_smtp_folder() {
  return tmp_root() + "/smtp-fixture/mail";
}

std::string shared_smtp_url() {
  auto port = read_text(tmp_root() + "/smtp-fixture/port");
  REQUIRE(!port.empty());
  while (!port.empty() && (port.back() == '\n' || port.back() == ' '))
    port.pop_back();
  return "smtp://127.0.0.1:" + port;
}

std::pair<std::string, std::string> self_signed_certificate() {
  auto dir = scratch_dir("tls");
  auto cert = dir + "/cert.pem", key = dir + "/key.pem";
  auto cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost -keyout " + key
             + " -out " + cert + " -addext subjectAltName=IP:127.0.0.1,DNS:localhost >" + dir
             + "/openssl.log 2>&1";
  REQUIRE(std::system(cmd.c_str()) == 0);
  return {cert, key};
}

} // namespace agora::test
