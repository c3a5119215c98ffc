#!/usr/bin/env bash
# Lints the OpenAPI document with Redocly CLI (npm registry, pinned in tests/tools/package-lock.json;
# installed into tests/tools/node_modules on first use, never committed).
#   scripts/openapi-lint.sh [file]     default: http/assets/openapi.json
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
file=$(cd "$(dirname "${1:-$AGORA_ROOT/http/assets/openapi.json}")" && pwd)/$(basename "${1:-openapi.json}")
command -v npm >/dev/null || die "npm is missing (Node.js 20.19+ with npm; apt-get install nodejs npm)"
cd "$AGORA_ROOT/tests/tools"
if [ ! -x node_modules/.bin/redocly ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error >/dev/null || die "npm ci failed in tests/tools"
fi
node_modules/.bin/redocly lint --config redocly.yaml --format=stylish "$file"
