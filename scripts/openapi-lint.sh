#!/usr/bin/env bash
# Lints the OpenAPI document with Redocly CLI (npm registry, pinned in tests/tools/package-lock.json;
# installed into tests/tools/node_modules on first use, never committed).
#   scripts/openapi-lint.sh [file]     default: http/assets/openapi.json
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
file=$(cd "$(dirname "${1:-$AGORA_ROOT/http/assets/openapi.json}")" && pwd)/$(basename "${1:-openapi.json}")
ensure_test_tools
cd "$AGORA_ROOT/tests/tools"
node_modules/.bin/redocly lint --config redocly.yaml --format=stylish "$file"
