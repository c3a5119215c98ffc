#!/usr/bin/env bash
# What introspection costs, for the console issue's two bars:
#  1. One node under a steady POST /orders load, in windows alternating without and with the
#     console open: the
#     requests the page makes while it shows an actor's detail (every 2 s /admin/stats, the
#     actors view sorted by mailbox, and one actor's detail, which keeps that actor recording its
#     messages), replayed with curl. The browser itself runs on the operator's machine, not on the
#     server's two cores, so it is left out. Bar: orders/s with the console within 5 % of without
#     (the median over the windows with it of its rate over the mean of its two neighbours').
#     Then the node CPU one look costs (the same requests, 50 back to back), the noise-free figure.
#  2. Three nodes (mutual TLS) holding 10,000 live order actors (orders that wait for a carrier
#     that never moves): /admin/actors pages, each answered by all three nodes. Bar: < 200 ms
#     (median of 30 asks per query), reported beside GET /healthz measured the same way.
#   bench/console.sh [seconds per window, default 5] [windows, default 13] [connections, default 64]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$AGORA_ROOT"
seconds=${1:-5}
windows=${2:-13}
connections=${3:-64}
bench_setup "$AGORA_ROOT/build-bench/console"
binary="$AGORA_ROOT/build-bench/runtime/agora"
auth="Authorization: Bearer $bench_token"
pids=()
doors=()
poller=""
stop_all() {
  [ -n "$poller" ] && kill "$poller" 2>/dev/null || true
  bench_peers_stop
  bench_cleanup
}
trap stop_all EXIT
results="$work/results.jsonl"
: >"$results"

# The console's requests while it shows the actors view with one actor open, every 2 s.
console_poll() {
  local door=$1 actor
  actor=$(curl -sf -H "$auth" "$door/admin/actors?type=order.router&limit=1" \
            | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
  while :; do
    curl -sf -H "$auth" "$door/admin/stats" >/dev/null || true
    curl -sf -H "$auth" "$door/admin/actors?sort=mailbox&limit=50" >/dev/null || true
    curl -sf -H "$auth" "$door/admin/actors/${actor/@/%40}" >/dev/null || true
    sleep 2
  done
}

# Orders created so far on the node (its own counter, as the console's strip reads it).
created() {
  curl -sf -H "$auth" "$base/admin/stats" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["nodes"][0]["orders_created"])'
}

bench_node_start "$binary" "$url" "$work/node.log"
# One steady load; the console is open in every other window. Each window with it is compared
# with the mean of the two around it, so the slow drift of a growing database cancels out.
# (wrk outlasts the windows: each also takes the counter reads, a second or two under load.)
wrk -t1 -c"$connections" -d"$((windows * (seconds + 3)))s" -s bench/orders.lua "$base/orders" \
  2>"$work/orders.err" | grep '^{' | sed 's/^{/{"run":"load",/' >>"$results" &
load=$!
sleep 1
for w in $(seq 1 "$windows"); do
  console=$((1 - w % 2))
  if [ "$console" = 1 ]; then console_poll "$base" & poller=$!; fi
  before=$(created); t0=$(date +%s.%N)
  sleep "$seconds"
  after=$(created); t1=$(date +%s.%N)
  if [ -n "$poller" ]; then kill "$poller" 2>/dev/null || true; wait "$poller" 2>/dev/null || true; fi
  poller=""
  echo "{\"window\":$w,\"console\":$console,\"orders\":$((after - before)),\"seconds\":$(echo "$t1 - $t0" | bc)}" >>"$results"
done
wait "$load"
# What one look of the console costs the node in CPU: the same requests, 50 times back to back,
# once the load's sagas are done (its order actors still live: they passivate after 5 s idle).
bench_wait_for_sagas "$url" >/dev/null
actor=$(curl -sf -H "$auth" "$base/admin/actors?type=order.router&limit=1" \
          | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
cpu0=$(bench_cpu_seconds "$node_pid")
for _ in $(seq 1 50); do
  curl -sf -H "$auth" "$base/admin/stats" >/dev/null
  curl -sf -H "$auth" "$base/admin/actors?sort=mailbox&limit=50" >/dev/null
  curl -sf -H "$auth" "$base/admin/actors/${actor/@/%40}" >/dev/null
done
echo "{\"look_cpu_ms\":$(echo "(($(bench_cpu_seconds "$node_pid") - $cpu0) * 1000) / 50" | bc -l)}" >>"$results"
kill "$node_pid" 2>/dev/null && wait "$node_pid" 2>/dev/null || true
node_pid=""

# Part 2: three peers, 10,000 live order actors.
base_url=${url%/*}
bench_psql "DROP DATABASE IF EXISTS live" >/dev/null
bench_psql "CREATE DATABASE live" >/dev/null
threads=1
for i in 1 2 3; do
  bench_peer_start "$base_url/live" "node-$i" "$work/live-$i.log" --shipping-step-seconds=0 \
    --order-idle-seconds=3600
done
bench_wait_ready "${doors[@]}"
bench_restock "${doors[0]}"
live_orders() {
  curl -sf -H "$auth" "${doors[0]}/admin/stats" \
    | python3 -c 'import json,sys; print(sum(n["actors"].get("order", 0) for n in json.load(sys.stdin)["nodes"]))'
}
for _ in $(seq 1 30); do
  [ "$(live_orders)" -ge 10000 ] && break
  placing=()
  for door in "${doors[@]}"; do
    wrk -t1 -c8 -d3s -s bench/orders.lua "$door/orders" >/dev/null 2>&1 &
    placing+=($!)
  done
  wait "${placing[@]}" # not a bare wait: the nodes are children too
done
live=$(live_orders)
[ "$live" -ge 10000 ] || die "only $live live order actors after placing orders for 90 s"

# times PATH: 30 asks of the first door, one JSON line of their latencies in ms.
times() {
  local path=$1 out=()
  for _ in $(seq 1 30); do
    out+=("$(curl -sf -o /dev/null -w '%{time_total}' -H "$auth" "${doors[0]}$path")")
  done
  printf '{"path":"%s","seconds":[%s]}\n' "$path" "$(IFS=,; echo "${out[*]}")" >>"$results"
}
times "/healthz"
times "/admin/actors?type=order&limit=50"
times "/admin/actors?sort=mailbox&limit=50"
times "/admin/actors?type=order&sort=messages&limit=50&offset=5000"
times "/admin/actors?q=ord_a&limit=50"
echo "{\"live_orders\":$live}" >>"$results"

/usr/bin/env python3 - "$results" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
windows = [r for r in rows if "window" in r]
print(f"{'window':<8}{'console':>8}{'orders/s':>10}")
for r in windows:
    r["rate"] = r["orders"] / r["seconds"]
    print(f"{r['window']:<8}{'on' if r['console'] else 'off':>8}{r['rate']:>10.0f}")
ratios = [w["rate"] / ((a["rate"] + b["rate"]) / 2)
          for a, w, b in zip(windows, windows[1:], windows[2:]) if w["console"]]
ratio = statistics.median(ratios)
load = next(r for r in rows if r.get("run") == "load")
print(f"console open / around it, per window: {', '.join(f'{x:.3f}' for x in ratios)}; median {ratio:.3f}")
print(f"the load: {load['rps']:.0f} answers/s, p99 {load['p99_ms']:.0f} ms, {load['errors']} not 202")
look = next(r["look_cpu_ms"] for r in rows if "look_cpu_ms" in r)
print(f"one look of the console (stats, actors by mailbox, one actor): {look:.2f} ms of node CPU;"
      f" every 2 s that is {look / 20:.2f} % of one core")
live = next(r["live_orders"] for r in rows if "live_orders" in r)
print(f"\n3 nodes, {live} live order actors: latency of 30 asks (ms)")
print(f"{'path':<62}{'median':>8}{'p95':>8}{'max':>8}{'vs /healthz':>13}")
ref = None
pages = []
for r in rows:
    if "path" not in r:
        continue
    ms = sorted(1000 * s for s in r["seconds"])
    med, p95 = statistics.median(ms), ms[int(0.95 * (len(ms) - 1))]
    ref = ref or med
    if r["path"] != "/healthz":
        pages.append(med)
    print(f"{r['path']:<62}{med:>8.1f}{p95:>8.1f}{ms[-1]:>8.1f}{med / ref:>12.1f}x")
checks = [("console open: orders/s within 5 % (median ratio >= 0.95)", ratio >= 0.95),
          ("/admin/actors over 3 nodes and >= 10,000 order actors: median < 200 ms",
           live >= 10000 and max(pages) < 200)]
for label, ok in checks:
    print(f"{'PASS' if ok else 'MISS'}  {label}")
sys.exit(0 if all(ok for _, ok in checks) else 1)
PY
