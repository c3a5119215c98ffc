# What the benchmark scripts share (sourced after scripts/lib.sh): a node started for a run and
# the wait for its sagas. The node hosts every role, logs warnings only, moves shipments every
# second and passivates orders after 5 s idle; every product is restocked so no order is short.

bench_token=bench-admin-token-000000000001

# psql on the benchmark's database ($url), unaligned, stopping at the first error: runs SQL given
# as its argument, else reads it from standard input.
bench_psql() {
  if [ $# -gt 0 ]; then
    "$PG_BIN/psql" "$url" -Atq -v ON_ERROR_STOP=1 -c "$1"
  else
    "$PG_BIN/psql" "$url" -Atq -v ON_ERROR_STOP=1
  fi
}

# Builds the Release agora, starts a fresh PostgreSQL with durable commits under `dir` and sets
# work (= dir), url and node_pid (empty); an EXIT trap stops the node and the database, whatever
# happens. The benchmark scripts' common start.
bench_setup() {
  work=$1
  install_missing_packages
  build_agora "$AGORA_ROOT/build-bench" Release agora >/dev/null
  mkdir -p "$work"
  node_pid=""
  trap bench_cleanup EXIT
  url=$(bash scripts/pg.sh start "$work/pg" --fresh)
  # Durable commits, as for anything acknowledged to a client.
  [ "$(bench_psql "SHOW fsync")" = on ] && [ "$(bench_psql "SHOW synchronous_commit")" = on ] \
    || die "the benchmark database does not commit durably"
}

bench_cleanup() {
  [ -n "$node_pid" ] && kill "$node_pid" 2>/dev/null && wait "$node_pid" 2>/dev/null || true
  node_pid=""
  bash scripts/pg.sh stop "$work/pg" >/dev/null 2>&1 || true
}

# Starts `binary` on the database `url`, logging to `log`; waits until it is ready and restocks
# the catalog. Sets node_pid and base (its URL). BENCH_NODE_ARGS adds flags for an experiment
# (later flags win), e.g. "--scheduler-threads=1".
bench_node_start() {
  local binary=$1 url=$2 log=$3 port
  # A free port (PostgreSQL picks from the same range).
  while :; do
    port=$((20000 + RANDOM % 12000)) # below the ephemeral range (32768-60999)
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
  done
  # The rate limits are raised (off) by environment, which a binary from before them ignores.
  AGORA_RATE_ORDERS=off AGORA_RATE_REQUESTS=off AGORA_RATE_LOGINS=off \
  AGORA_DATABASE_URL=$url AGORA_AUTH_TOKENS=$bench_token:admin "$binary" --http-port="$port" \
    --log-level=warn --shipping-step-seconds=1 --http-threads=1 --order-idle-seconds=5 \
    ${BENCH_NODE_ARGS:-} >"$log" 2>&1 &
  node_pid=$!
  base="http://127.0.0.1:$port"
  for _ in $(seq 1 100); do curl -sf "$base/readyz" >/dev/null && break; sleep 0.1; done
  curl -sf "$base/readyz" >/dev/null || die "the node did not become ready, see $log"
  bench_restock "$base"
}

# bench_restock DOOR: every product of the sample catalog in stock for any run. Right after a
# start the inventory shards may still be moving to their owners, and a door answers 503 "not
# now" meanwhile: tried again for up to 20 s, as a client would; any other failure stops the run.
bench_restock() {
  local door=$1 id code tries
  for id in $(seq 1 50); do
    for tries in $(seq 1 200); do
      code=$(curl -s -o /dev/null -w '%{http_code}' -X PUT -H "Authorization: Bearer $bench_token" \
        -H 'Content-Type: application/json' -d '{"on_hand":1000000,"low_stock_threshold":0}' \
        "$door/inventory/$id")
      [ "$code" = 503 ] || break
      sleep 0.1
    done
    [ "$code" = 200 ] || die "restocking product $id through $door answered $code"
  done
}

# Waits until every order in the database at `url` is settled (at most 120 s); prints how long
# that took in seconds.
bench_wait_for_sagas() {
  local url=$1 started
  started=$(date +%s.%N)
  # EXISTS stops at the first unsettled order: a count(*) cost ~0.1 s of PostgreSQL CPU per poll,
  # which the CPU-per-order figures of bench/ab.sh would have charged to the orders.
  until [ "$(bench_psql "SELECT NOT EXISTS (SELECT 1 FROM orders WHERE NOT settled)")" = t ]; do
    [ "$(echo "$(date +%s.%N) - $started > 120" | bc)" = 1 ] && die "sagas did not finish within 120 s"
    sleep 0.5
  done
  echo "$(date +%s.%N) - $started" | bc
}

# CPU seconds (user + system) the given processes have used so far.
bench_cpu_seconds() {
  local ticks=0 pid fields
  for pid in "$@"; do
    read -r -a fields < <(cut -d' ' -f14,15 "/proc/$pid/stat" 2>/dev/null || echo "0 0")
    ticks=$((ticks + fields[0] + fields[1]))
  done
  echo "scale=3; $ticks / $(getconf CLK_TCK)" | bc
}

# CPU seconds every PostgreSQL process on this machine has used so far (the benchmark's server is
# assumed to be the only one running).
bench_pg_cpu_seconds() {
  # shellcheck disable=SC2046 # one argument per PostgreSQL process
  bench_cpu_seconds $(pgrep -x postgres)
}

# A free TCP port on loopback.
bench_free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 12000)) # below the ephemeral range (32768-60999)
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

# bench_peer_start DB ID LOG [FLAG...]: a node of `$binary` with every role and a cluster port,
# mutual TLS between the nodes as in production (BENCH_CLUSTER_INSECURE=1: plaintext, to see
# what TLS costs), `$threads` actor threads; appends to the arrays pids and doors.
bench_peer_start() {
  local db=$1 id=$2 log=$3 http cluster transport=(--cluster-insecure=true)
  shift 3
  http=$(bench_free_port); cluster=$(bench_free_port)
  if [ -z "${BENCH_CLUSTER_INSECURE:-}" ]; then
    bash scripts/cluster-certs.sh "$work/certs" "$id" >/dev/null
    transport=(--cluster-cert="$work/certs/$id.pem" --cluster-key="$work/certs/$id.key"
               --cluster-ca="$work/certs/ca.pem")
  fi
  AGORA_RATE_ORDERS=off AGORA_RATE_REQUESTS=off AGORA_RATE_LOGINS=off \
  AGORA_DATABASE_URL=$db AGORA_AUTH_TOKENS=$bench_token:admin "$binary" --http-port="$http" \
    --node-id="$id" --cluster-port="$cluster" "${transport[@]}" --log-level=warn \
    --shipping-step-seconds=1 \
    --http-threads=1 --scheduler-threads="$threads" --order-idle-seconds=5 "$@" \
    ${BENCH_NODE_ARGS:-} >"$log" 2>&1 &
  pids+=($!)
  doors+=("http://127.0.0.1:$http")
}

# Stops the nodes bench_peer_start started.
bench_peers_stop() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
  pids=()
}

# bench_wait_ready DOOR...: until every door says ready in one pass (a node alone in the members
# table is ready until it sees the others starting, so one door at a time could pass too early).
bench_wait_ready() {
  local door ok
  for _ in $(seq 1 300); do
    ok=1
    for door in "$@"; do curl -sf "$door/readyz" >/dev/null || { ok=0; break; }; done
    [ "$ok" = 1 ] && return
    sleep 0.1
  done
  die "not every door became ready within 30 s: $*"
}
