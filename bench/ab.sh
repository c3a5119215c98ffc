#!/usr/bin/env bash
# A/B of two agora binaries on POST /orders, for changes smaller than this VM's run-to-run noise:
# alternates A and B for a number of rounds, each on a fresh durable PostgreSQL, and prints per
# run the accepted orders/s, p50/p99 and the CPU each accepted order cost in the node and in
# PostgreSQL (process CPU over the run and the drain of its sagas), then the medians.
#   bench/ab.sh BINARY_A BINARY_B [rounds, default 3] [seconds, default 10]
# Build the two binaries first, e.g. `bench/run.sh` (Release, build-bench/runtime/agora) before
# and after a change, copying the binary aside in between.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$AGORA_ROOT"
[ $# -ge 2 ] || die "usage: bench/ab.sh BINARY_A BINARY_B [rounds] [seconds]"
binaries=("$1" "$2")
rounds=${3:-3}
seconds=${4:-10}
for b in "${binaries[@]}"; do [ -x "$b" ] || die "not an executable: $b"; done

work="$AGORA_ROOT/build-bench/ab"
mkdir -p "$work"
node_pid=""
trap bench_cleanup EXIT

# One run of binary $1: prints "orders/s p50 p99 node_ms_per_order pg_ms_per_order".
run_one() {
  trap bench_cleanup EXIT # runs in a subshell: stop what it started, even when it dies
  local url result orders node_cpu pg_cpu
  url=$(bash scripts/pg.sh start "$work/pg" --fresh)
  bench_node_start "$1" "$url" "$work/node.log"
  result=$(wrk -t1 -c64 -d"${seconds}s" -s bench/orders.lua "$base/orders" 2>/dev/null | grep '^{')
  bench_wait_for_sagas "$url" >/dev/null
  orders=$(bench_psql "SELECT count(*) FROM orders")
  node_cpu=$(bench_cpu_seconds "$node_pid")
  pg_cpu=$(bench_pg_cpu_seconds)
  bench_cleanup
  python3 - "$result" "$orders" "$node_cpu" "$pg_cpu" "$seconds" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
orders, node, pg, secs = int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
accepted = (r["requests"] - r["errors"]) / secs
print(f"{accepted:.0f} {r['p50_ms']:.1f} {r['p99_ms']:.1f} {1000 * node / orders:.3f} {1000 * pg / orders:.3f}")
PY
}

results="$work/results.txt"
: >"$results"
printf '%-4s %5s %10s %8s %8s %12s %12s\n' "" round "orders/s" "p50 ms" "p99 ms" "node ms/ord" "pg ms/ord"
for round in $(seq 1 "$rounds"); do
  for i in 0 1; do
    label=$([ $i = 0 ] && echo A || echo B)
    line=$(run_one "${binaries[$i]}")
    echo "$label $line" >>"$results"
    read -r rate p50 p99 node pg <<<"$line"
    printf '%-4s %5s %10s %8s %8s %12s %12s\n' "$label" "$round" "$rate" "$p50" "$p99" "$node" "$pg"
  done
done
python3 - "$results" <<'PY'
import statistics, sys
runs = {"A": [], "B": []}
for line in open(sys.argv[1]):
    label, *values = line.split()
    runs[label].append([float(v) for v in values])
print("median")
for label, rows in runs.items():
    med = [statistics.median(col) for col in zip(*rows)]
    print(f"{label:<4} {'':>5} {med[0]:>10.0f} {med[1]:>8.1f} {med[2]:>8.1f} {med[3]:>12.3f} {med[4]:>12.3f}")
PY
