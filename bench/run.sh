#!/usr/bin/env bash
# The benchmark runner: builds agora (Release), starts a private PostgreSQL (synchronous_commit
# on) and one node, then measures in one run GET /healthz (the reference), GET /products/{id} and
# POST /orders with wrk, waits for every accepted order's saga to finish, and prints requests/s,
# p50/p99 latency and each ratio to /healthz, checking the targets of the lifecycle issue, and
# what each accepted order cost in CPU (node and PostgreSQL, from its request to its saga's end).
#   bench/run.sh [seconds per run, default 10] [connections, default 64]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$AGORA_ROOT"
seconds=${1:-10}
connections=${2:-64}
bench_setup "$AGORA_ROOT/build-bench/run"
bench_node_start "$AGORA_ROOT/build-bench/runtime/agora" "$url" "$work/node.log"

results="$work/results.jsonl"
: >"$results"
for script in healthz product orders; do
  path=/healthz
  [ "$script" = product ] && path=/products/1
  [ "$script" = orders ] && path=/orders
  if [ "$script" = orders ]; then # what the orders cost, from here to the end of their sagas
    node_cpu0=$(bench_cpu_seconds "$node_pid"); pg_cpu0=$(bench_pg_cpu_seconds)
  fi
  wrk -t1 -c"$connections" -d"${seconds}s" -s "bench/$script.lua" "$base$path" 2>"$work/$script.err" \
    | grep '^{' >>"$results"
done
drain=$(bench_wait_for_sagas "$url")
node_cpu=$(echo "$(bench_cpu_seconds "$node_pid") - $node_cpu0" | bc)
pg_cpu=$(echo "$(bench_pg_cpu_seconds) - $pg_cpu0" | bc)
accepted=$(bench_psql "SELECT count(*) FROM orders" | tail -1)
delivered=$(bench_psql "SELECT count(*) FROM orders WHERE status = 'DELIVERED'" | tail -1)

/usr/bin/env python3 - "$results" "$accepted" "$delivered" "$drain" "$node_cpu" "$pg_cpu" <<'PY'
import json, sys
rows = {r["name"]: r for r in map(json.loads, open(sys.argv[1]))}
accepted, delivered, drain = int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
node_ms, pg_ms = (1000 * float(v) / max(accepted, 1) for v in sys.argv[5:7])
ref = rows["healthz"]["rps"]
print(f"{'endpoint':<22}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'vs /healthz':>13}")
for name, label in [("healthz", "GET /healthz"), ("product", "GET /products/{id}"), ("orders", "POST /orders")]:
    r = rows[name]
    print(f"{label:<22}{r['rps']:>10.0f}{r['p50_ms']:>9.2f}{r['p99_ms']:>9.2f}{r['errors']:>8}{r['rps'] / ref:>12.2f}x")
print(f"orders accepted {accepted}, delivered {delivered}; sagas finished {drain:.1f} s after the load")
print(f"CPU per accepted order (its request and saga): node {node_ms:.3f} ms, PostgreSQL {pg_ms:.3f} ms;"
      f" 3,000 orders/s would take {3 * (node_ms + pg_ms):.1f} cores")
checks = [
    ("GET product >= 0.5x /healthz", rows["product"]["rps"] >= 0.5 * ref),
    ("POST /orders >= 3000/s", rows["orders"]["rps"] >= 3000),
    ("POST /orders p99 < 50 ms", rows["orders"]["p99_ms"] < 50),
    ("every accepted order delivered", delivered == accepted),
]
for label, ok in checks:
    print(f"{'PASS' if ok else 'MISS'}  {label}")
sys.exit(0 if all(ok for _, ok in checks) else 1)
PY
