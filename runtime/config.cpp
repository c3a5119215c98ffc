#include "runtime/config.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace agora::runtime {

std::string env_name(const option_spec& spec) {
  std::string out = "AGORA_";
  for (const char* p = spec.flag; *p; ++p)
    out += *p == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(*p)));
  return out;
}

std::string redact_url(const std::string& url) {
  auto scheme = url.find("://");
  auto at = url.find('@', scheme == std::string::npos ? 0 : scheme + 3);
  if (scheme == std::string::npos || at == std::string::npos)
    return url;
  auto colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at)
    return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

std::string usage() {
  std::ostringstream out;
  out
    << "agora: a node of the agora order pipeline\n\n"
       "usage: agora [--option=value ...]\n\n"
       "Every option also comes from an AGORA_* environment variable or a config-file key;\n"
       "flags win over the environment, the environment over the file, the file over defaults.\n\n";
  for (auto& s : option_specs()) {
    out << "  --" << s.flag << "=VALUE\n      " << s.help << "\n      env " << env_name(s);
    if (*s.key)
      out << ", file key " << s.key;
    if (*s.def)
      out << ", default " << s.def;
    out << "\n";
  }
  out << "  --help, --version\n";
  return out.str();
}

namespace {

const option_spec* by_flag(std::string_view flag) {
  for (auto& s : option_specs())
    if (flag == s.flag)
      return &s;
  return nullptr;
}

const option_spec* by_key(std::string_view key) {
  for (auto& s : option_specs())
    if (*s.key && key == s.key)
      return &s;
  return nullptr;
}

std::string trim(std::string s) {
  auto b = s.find_first_not_of(" \t\r");
  auto e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? std::string{} : s.substr(b, e - b + 1);
}

/// key = value lines; "[section]" prefixes the keys below it; '#' and ';' start comments.
bool read_file(const std::string& path, std::map<std::string, std::string>& out,
               std::string& error) {
  std::ifstream in{path};
  if (!in) {
    error = "cannot read config file " + path;
    return false;
  }
  std::string line, section;
  for (int n = 1; std::getline(in, line); ++n) {
    line = trim(line);
    if (line.empty() || line[0] == '#' || line[0] == ';')
      continue;
    auto where = path + ":" + std::to_string(n) + ": ";
    if (line.front() == '[') {
      if (line.back() != ']') {
        error = where + "malformed section header";
        return false;
      }
      section = trim(line.substr(1, line.size() - 2));
      continue;
    }
    auto eq = line.find('=');
    if (eq == std::string::npos) {
      error = where + "expected key = value";
      return false;
    }
    auto key = trim(line.substr(0, eq));
    auto value = trim(line.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
      value = value.substr(1, value.size() - 2);
    if (!section.empty())
      key = section + "." + key;
    if (!by_key(key)) {
      error = where + "unknown key '" + key + "'";
      return false;
    }
    out[key] = value;
  }
  return true;
}

/// Checks across options, and what follows from them.
bool finish(node_config& c, std::string& error) {
  auto bad = [&](const char* flag, const std::string& why) {
    error = "--" + std::string{flag} + ": " + why;
    return false;
  };
  using domain::node_role;
  for (auto role : {node_role::orders, node_role::frontdoor})
    if (c.has_role(role) && !c.has_role(node_role::inventory))
      return bad("roles", "the " + std::string{domain::to_string(role)}
                            + " role needs the inventory role on the same node");
  if (c.has_role(node_role::orders) != c.has_role(node_role::frontdoor))
    return bad("roles", "the orders and frontdoor roles go together");
  auto& retry = c.notifications.retry;
  if (retry.max < retry.base)
    return bad("smtp-retry-max-ms", "must be 10..86400000 and at least --smtp-retry-base-ms");
  // A claim outlives the longest exchange, so a row is never sent twice by two live claimers.
  c.notifications.lease = 2 * (c.smtp.connect_timeout + c.smtp.timeout) + std::chrono::seconds{10};
  for (auto* timeout :
       {&c.orders.store_timeout, &c.inventory.store_timeout, &c.catalog.store_timeout,
        &c.shipping.store_timeout, &c.notifications.store_timeout})
    *timeout = c.store_timeout;
  return true;
}

/// Reads every option's merged text into `c`; false with `error` on the first bad one.
bool build(const std::map<std::string, std::string>& values, node_config& c, std::string& error) {
  for (auto& spec : option_specs()) {
    if (!spec.read)
      continue;
    if (auto why = spec.read(values.at(spec.key), c)) {
      error = "--" + std::string{spec.flag} + ": " + *why;
      return false;
    }
  }
  return finish(c, error);
}

} // namespace

std::string default_node_id(uint16_t http_port) {
  char buf[256] = {};
  std::string host = ::gethostname(buf, sizeof(buf) - 1) == 0 && buf[0] ? buf : "agora";
  return host + "-" + std::to_string(http_port);
}

namespace {

/// The command line: --help and --version end it; every other argument is --name=value or
/// --name value. Fills `flags` (key → value) and `config_file`; false with r set when it ends.
bool read_args(const std::vector<std::string>& args, std::map<std::string, std::string>& flags,
               std::string& config_file, parse_result& r) {
  for (size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    if (a == "--help" || a == "-h" || a == "--version") {
      r.outcome = a == "--version" ? parse_outcome::version : parse_outcome::help;
      return false;
    }
    if (a.rfind("--", 0) != 0) {
      r.error = "unexpected argument '" + a + "' (options look like --name=value)";
      return false;
    }
    auto eq = a.find('=');
    auto name = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    auto* spec = by_flag(name);
    if (!spec) {
      r.error = "unknown option --" + name + " (see agora --help)";
      return false;
    }
    if (eq == std::string::npos && i + 1 >= args.size()) {
      r.error = "--" + name + " needs a value";
      return false;
    }
    auto value = eq != std::string::npos ? a.substr(eq + 1) : args[++i];
    if (name == "config")
      config_file = value;
    else
      flags[spec->key] = value;
  }
  return true;
}

/// A node that talks to other nodes does so over mutual TLS, or says plainly that it does not.
std::optional<std::string> check_cluster_security(const cluster::transport_options& c) {
  int given = !c.certificate.empty() + !c.key.empty() + !c.ca.empty();
  if (given != 0 && given != 3)
    return std::string{"--cluster-cert, --cluster-key and --cluster-ca go together"};
  if (given == 3 && c.insecure)
    return std::string{"--cluster-insecure and the cluster certificates exclude each other"};
  bool clustered = c.port != 0 || !c.seeds.empty();
  if (clustered && given == 0 && !c.insecure)
    return std::string{"a cluster port or seeds need mutual TLS (--cluster-cert, --cluster-key, "
                       "--cluster-ca; scripts/cluster-certs.sh makes them) or --cluster-insecure"};
  return std::nullopt;
}

} // namespace

parse_result parse_config(const std::vector<std::string>& args,
                          const std::map<std::string, std::string>& env) {
  parse_result r;
  std::map<std::string, std::string> flags; // key → value
  std::string config_file;
  if (!read_args(args, flags, config_file, r))
    return r;
  if (config_file.empty()) {
    auto e = env.find("AGORA_CONFIG");
    if (e != env.end())
      config_file = e->second;
  }
  std::map<std::string, std::string> values; // defaults < file < environment < flags
  for (auto& s : option_specs())
    if (*s.key)
      values[s.key] = s.def;
  if (!config_file.empty()) {
    std::map<std::string, std::string> from_file;
    if (!read_file(config_file, from_file, r.error))
      return r;
    for (auto& [k, v] : from_file)
      values[k] = v;
  }
  for (auto& s : option_specs()) {
    auto e = env.find(env_name(s));
    if (*s.key && e != env.end())
      values[s.key] = e->second;
  }
  for (auto& [k, v] : flags)
    values[k] = v;
  if (!build(values, r.config, r.error))
    return r;
  if (auto why = check_cluster_security(r.config.cluster)) {
    r.error = *why;
    return r;
  }
  r.config.config_file = config_file;
  r.outcome = parse_outcome::run;
  return r;
}

} // namespace agora::runtime
