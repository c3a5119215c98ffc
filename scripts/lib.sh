# Shared helpers for agora's scripts (sourced, not run).
AGORA_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

say() { printf 'agora: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# Runs a command as root: directly when we are root, else through sudo.
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# Packages needed to build and run agora on Debian 12 (with its local database and mail sink)...
AGORA_PACKAGES="cmake g++ make pkg-config ccache git curl jq procps
  libcaf-dev librestinio-dev libasio-dev libfmt-dev libhttp-parser-dev libpqxx-dev
  prometheus-cpp-dev nlohmann-json3-dev catch2 libcurl4-openssl-dev libjemalloc-dev libsodium-dev postgresql wrk
  bc python3
  python3-aiosmtpd"
# ...and the real tools the test suite runs against it.
AGORA_TEST_PACKAGES="python3-yaml openssl prometheus chromium iptables iproute2 util-linux"

# Installs whichever of AGORA_PACKAGES (and of the lists named as arguments, e.g.
# AGORA_TEST_PACKAGES) are missing.
install_missing_packages() {
  local wanted="$AGORA_PACKAGES"
  for list in "$@"; do wanted="$wanted ${!list}"; done
  # shellcheck disable=SC2086 # one argument per package
  install_packages $wanted
}

# Installs whichever of the packages named are missing; apt-get update only when something is.
install_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null \
    || die "apt-get update failed"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
}

# Configures and builds into $1 (default build/) with CMake build type $2; $3 names one target.
build_agora() {
  local dir=${1:-$AGORA_ROOT/build} type=${2:-RelWithDebInfo} target=${3:-all}
  cmake -S "$AGORA_ROOT" -B "$dir" -DCMAKE_BUILD_TYPE="$type" >/dev/null || die "cmake configure failed"
  cmake --build "$dir" -j"$(nproc)" --target "$target" || die "build failed"
}

# The test tools from the npm registry (Redocly CLI, puppeteer-core), pinned in
# tests/tools/package-lock.json and installed into tests/tools/node_modules when missing or stale.
ensure_test_tools() {
  command -v npm >/dev/null || die "npm is missing (Node.js 20.19+ with npm; apt-get install nodejs npm)"
  local tools="$AGORA_ROOT/tests/tools"
  if [ ! -x "$tools/node_modules/.bin/redocly" ] || [ ! -d "$tools/node_modules/puppeteer-core" ] \
     || [ "$tools/package-lock.json" -nt "$tools/node_modules/.package-lock.json" ]; then
    (cd "$tools" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) \
      || die "npm ci failed in tests/tools"
  fi
}
