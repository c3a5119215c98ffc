#!/usr/bin/env bash
# Installs what is missing, builds everything and runs the whole test suite with ctest. The tests
# start (and stop) their own PostgreSQL under build/test-pg and their own SMTP servers (Debian's
# python3-aiosmtpd); nothing else needs to be running.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$AGORA_ROOT"

# The OpenAPI lint runs on the machine's Node.js (20.19+); Debian's nodejs only when there is none.
command -v npm >/dev/null || AGORA_TEST_PACKAGES="$AGORA_TEST_PACKAGES nodejs npm"
install_missing_packages AGORA_TEST_PACKAGES
started=$(date +%s)
build_agora "$AGORA_ROOT/build" RelWithDebInfo
say "build took $(( $(date +%s) - started )) s"

# Whatever happens to ctest, leave no test database or SMTP sink running.
trap 'bash scripts/pg.sh stop "$AGORA_ROOT/build/test-pg" >/dev/null 2>&1 || true
      bash scripts/smtp-sink.sh stop "$AGORA_ROOT/build/test-tmp/smtp-fixture" >/dev/null 2>&1 || true' EXIT
cd build
ctest --output-on-failure -j"$(nproc)" --timeout 300 "$@"
