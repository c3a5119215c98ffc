#!/usr/bin/env bash
# The storefront's bar: /shop's catalog first render < 300 ms on this machine with 1,000 products,
# the page (document, script, style and the first products page) < 100 KB uncompressed. One
# Release node on a fresh durable PostgreSQL, its sample catalog grown to 1,000 products through
# the API, then bench/shop-render.mjs loads the page in headless Chromium, each load in a fresh
# browser context, beside the reference (GET /healthz loaded as a page the same way).
#   bench/shop.sh [loads, default 15]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$AGORA_ROOT"
loads=${1:-15}
bench_setup "$AGORA_ROOT/build-bench/shop"
ensure_test_tools >/dev/null
binary="$AGORA_ROOT/build-bench/runtime/agora"
bench_node_start "$binary" "$url" "$work/node.log"
auth="Authorization: Bearer $bench_token"
have=$(curl -sf "$base/products?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
seq $((have + 1)) 1000 | xargs -P 4 -I{} curl -sf -o /dev/null -H "$auth" \
  -H 'Content-Type: application/json' -X POST "$base/products" \
  -d '{"sku":"BENCH-{}","name":"Bench product {}","description":"One of a thousand.","price_cents":1999,"initial_stock":50}'
total=$(curl -sf "$base/products?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
[ "$total" -ge 1000 ] || die "the catalog holds $total products, not 1,000"
results="$work/results.jsonl"
node bench/shop-render.mjs "$base" "$loads" >"$results"

/usr/bin/env python3 - "$results" "$total" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
shop = [r for r in rows if r["kind"] == "shop"]
ref = [r for r in rows if r["kind"] == "healthz"]
render = statistics.median(r["ms"] for r in shop)
floor = statistics.median(r["ms"] for r in ref)
weight = statistics.median(r["bytes"] for r in shop) / 1024
print(f"catalog of {sys.argv[2]} products, {len(shop)} loads, each in a fresh browser context")
print(f"{'':<26}{'median':>10}{'min':>10}{'max':>10}")
print(f"{'/healthz page (reference)':<26}{floor:>8.0f}ms{min(r['ms'] for r in ref):>8.0f}ms{max(r['ms'] for r in ref):>8.0f}ms")
print(f"{'/shop catalog rendered':<26}{render:>8.0f}ms{min(r['ms'] for r in shop):>8.0f}ms{max(r['ms'] for r in shop):>8.0f}ms")
print(f"ratio to the reference: {render / floor:.2f}x; {shop[0]['cards']} cards shown; "
      f"{shop[0]['responses']} responses, {weight:.1f} KB")
ok = render < 300 and weight < 100
print(f"{'PASS' if render < 300 else 'MISS'} first render < 300 ms ({render:.0f} ms)")
print(f"{'PASS' if weight < 100 else 'MISS'} page < 100 KB ({weight:.1f} KB)")
sys.exit(0 if ok else 1)
PY
