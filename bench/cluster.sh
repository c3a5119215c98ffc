#!/usr/bin/env bash
# The cost of distribution: 1, 2 and 3 nodes (every role each) on one PostgreSQL on this machine,
# POST /orders through every door at once (one wrk per door, the connections split between them),
# then the same three nodes while a fourth joins mid-run. Prints orders/s, p99, the CPU each
# accepted order cost per node process and PostgreSQL, and the share of order commands that
# crossed nodes; checks 3 nodes >= 0.7x one node's orders/s and that a join adds < 1 s to p99.
#   bench/cluster.sh [seconds per run, default 10] [connections, default 64]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$AGORA_ROOT"
seconds=${1:-10}
connections=${2:-64}
bench_setup "$AGORA_ROOT/build-bench/cluster"
binary="$AGORA_ROOT/build-bench/runtime/agora"
base_url=${url%/*}
pids=()
trap 'bench_peers_stop; bench_cleanup' EXIT

# Sums one sample over the doors' /metrics.
metric_sum() {
  local sample=$1 door total=0 v
  for door in "${doors[@]}"; do
    v=$(curl -sf -H "Authorization: Bearer $bench_token" "$door/metrics" \
          | awk -v s="$sample" '$1 == s { print $2 }')
    total=$(echo "$total + ${v:-0}" | bc)
  done
  echo "$total"
}

# run NODES JOIN: one measured run on a fresh database; JOIN=1 starts a fourth node a third of
# the way in. Appends a JSON line to $results.
run() {
  local nodes=$1 join=$2 name db i per node_cpu0 pg_cpu0 wrk_pids=() out
  name="n${nodes}$([ "$join" = 1 ] && echo "_join" || true)"
  bench_psql "DROP DATABASE IF EXISTS $name" >/dev/null
  bench_psql "CREATE DATABASE $name" >/dev/null
  db="$base_url/$name"
  doors=()
  # The nodes share this machine's cores: each gets its share of actor threads (at least one),
  # as nodes placed on one host would be sized, instead of each one thread per core.
  threads=$(( $(nproc) / nodes )); [ "$threads" -ge 1 ] || threads=1
  for i in $(seq 1 "$nodes"); do bench_peer_start "$db" "node-$i" "$work/$name-$i.log"; done
  bench_wait_ready "${doors[@]}"
  for id in $(seq 1 50); do
    curl -sf -X PUT -H "Authorization: Bearer $bench_token" -H 'Content-Type: application/json' \
      -d '{"on_hand":1000000,"low_stock_threshold":0}' "${doors[0]}/inventory/$id" >/dev/null
  done
  node_cpu0=$(bench_cpu_seconds "${pids[@]}"); pg_cpu0=$(bench_pg_cpu_seconds)
  per=$((connections / nodes))
  for i in "${!doors[@]}"; do
    wrk -t1 -c"$per" -d"${seconds}s" -s bench/orders.lua "${doors[$i]}/orders" \
      2>"$work/$name-wrk$i.err" | grep '^{' >"$work/$name-wrk$i.json" &
    wrk_pids+=($!)
  done
  if [ "$join" = 1 ]; then
    sleep "$(echo "$seconds / 3" | bc -l)"
    bench_peer_start "$db" "node-$((nodes + 1))" "$work/$name-join.log"
  fi
  wait "${wrk_pids[@]}"
  url=$db bench_wait_for_sagas "$db" >/dev/null
  local node_cpu pg_cpu accepted remote local_
  node_cpu=$(echo "$(bench_cpu_seconds "${pids[@]}") - $node_cpu0" | bc)
  pg_cpu=$(echo "$(bench_pg_cpu_seconds) - $pg_cpu0" | bc)
  accepted=$(url=$db bench_psql "SELECT count(*) FROM orders" | tail -1)
  remote=$(metric_sum 'agora_cluster_order_commands_total{to="remote"}')
  local_=$(metric_sum 'agora_cluster_order_commands_total{to="local"}')
  out=$(cat "$work/$name"-wrk*.json | python3 -c '
import json, sys
rows = [json.loads(l) for l in sys.stdin if l.strip()]
print(json.dumps({"rps": sum(r["rps"] for r in rows), "p99_ms": max(r["p99_ms"] for r in rows),
                  "errors": sum(r["errors"] for r in rows)}))')
  echo "{\"name\":\"$name\",\"nodes\":$nodes,\"accepted\":$accepted,\"node_cpu\":$node_cpu,\"pg_cpu\":$pg_cpu,\"remote\":$remote,\"local\":$local_,\"wrk\":$out}" >>"$results"
  bench_peers_stop
}

results="$work/results.jsonl"
: >"$results"
for n in 1 2 3; do run "$n" 0; done
run 3 1

/usr/bin/env python3 - "$results" <<'PY'
import json, sys
rows = {r["name"]: r for r in map(json.loads, open(sys.argv[1]))}
print(f"{'run':<10}{'orders/s':>10}{'p99 ms':>9}{'errors':>8}{'node ms/order':>15}{'per node':>10}{'PG ms/order':>13}{'crossed':>9}")
for name in ["n1", "n2", "n3", "n3_join"]:
    r = rows[name]; w = r["wrk"]; a = max(r["accepted"], 1)
    nodes = r["nodes"] + (1 if name.endswith("join") else 0)
    node_ms = 1000 * r["node_cpu"] / a
    total = r["remote"] + r["local"]
    crossed = r["remote"] / total if total else 0
    print(f"{name:<10}{w['rps']:>10.0f}{w['p99_ms']:>9.1f}{w['errors']:>8}{node_ms:>15.3f}{node_ms / nodes:>10.3f}"
          f"{1000 * r['pg_cpu'] / a:>13.3f}{crossed:>8.0%}")
ratio = rows["n3"]["wrk"]["rps"] / rows["n1"]["wrk"]["rps"]
added = rows["n3_join"]["wrk"]["p99_ms"] - rows["n3"]["wrk"]["p99_ms"]
print(f"3 nodes / 1 node orders/s: {ratio:.2f}x; a join under load adds {added:.0f} ms to p99")
checks = [("3 nodes >= 0.7x one node's orders/s", ratio >= 0.7),
          ("a join adds < 1 s to p99", added < 1000),
          ("no request failed", all(rows[n]["wrk"]["errors"] == 0 for n in rows))]
for label, ok in checks:
    print(f"{'PASS' if ok else 'MISS'}  {label}")
sys.exit(0 if all(ok for _, ok in checks) else 1)
PY
