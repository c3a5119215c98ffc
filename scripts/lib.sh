# Shared helpers for agora's scripts (sourced, not run).
AGORA_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

say() { printf 'agora: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# Runs a command as root: directly when we are root, else through sudo.
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# Packages needed to build, run and test agora on Debian 12.
AGORA_PACKAGES="cmake g++ make pkg-config ccache git curl jq procps
  libcaf-dev librestinio-dev libasio-dev libfmt-dev libhttp-parser-dev libpqxx-dev
  prometheus-cpp-dev nlohmann-json3-dev catch2 libcurl4-openssl-dev postgresql wrk bc python3
  python3-aiosmtpd python3-yaml openssl prometheus chromium"

# Installs whichever of AGORA_PACKAGES are missing (apt-get update only when something is).
install_missing_packages() {
  local missing=()
  for p in $AGORA_PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  # The OpenAPI lint runs on Node.js from the machine (20.19+); Debian's nodejs only when none.
  command -v npm >/dev/null || missing+=(nodejs npm)
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
