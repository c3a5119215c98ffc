#!/usr/bin/env bash
# A private PostgreSQL 15 for agora: scripts/pg.sh start|stop|url DIR [--test]
#   start  initialises DIR (unless done) and starts the server on a free loopback port; prints
#          the database URL and writes it to DIR/url. With --test the cluster is recreated empty
#          and runs with fsync off (test data need not survive a power cut); with --fresh it is
#          recreated empty and durable (benchmarks).
#   stop   stops it (fast shutdown).  url  prints the URL of a running one.
# AGORA_PG_OPTIONS adds server settings ("-c shared_buffers=1GB ...") to a start.
# As root the server runs as the 'postgres' user (PostgreSQL refuses root).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cmd=${1:-}; dir=${2:-}; mode=${3:-}
[ -n "$cmd" ] && [ -n "$dir" ] || die "usage: scripts/pg.sh start|stop|url DIR [--test]"
mkdir -p "$dir"; dir=$(cd "$dir" && pwd)
[ -x "$PG_BIN/pg_ctl" ] || die "PostgreSQL 15 server not found in $PG_BIN (apt-get install postgresql)"

as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# Where the cluster lives: DIR itself, unless we are root and the postgres user cannot reach DIR
# (a checkout under /root, say); then a directory under /var/tmp named after DIR.
pg_home() {
  if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$dir" 2>/dev/null; then
    echo "/var/tmp/agora-pg-$(printf '%s' "$dir" | md5sum | cut -c1-12)"
  else
    echo "$dir/cluster"
  fi
}
home=$(pg_home)

running() { [ -f "$home/data/postmaster.pid" ] && as_pg "$PG_BIN/pg_ctl" -D "$home/data" status >/dev/null 2>&1; }
url_of() { echo "postgresql://postgres@127.0.0.1:$(cat "$home/port")/agora"; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() {
  if running; then
    [ -n "$mode" ] || { url_of | tee "$dir/url"; return; }
    as_pg "$PG_BIN/pg_ctl" -D "$home/data" -m immediate stop >/dev/null
  fi
  [ -n "$mode" ] && rm -rf "$home"
  mkdir -p "$home"
  [ "$(id -u)" -eq 0 ] && chown postgres "$home"
  if [ ! -f "$home/data/PG_VERSION" ]; then
    as_pg "$PG_BIN/initdb" -D "$home/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 \
      >"$home/initdb.log" 2>&1 || die "initdb failed, see $home/initdb.log"
  fi
  local extra="" tries=0 port
  [ "$mode" = --test ] && extra="-c fsync=off -c full_page_writes=off"
  extra="$extra ${AGORA_PG_OPTIONS:-}"
  # Keep the port of the last run when it is free, so URLs handed out before stay valid.
  local previous=""
  [ -z "$mode" ] && [ -f "$home/port" ] && previous=$(cat "$home/port")
  while :; do
    port=${AGORA_PG_PORT:-${previous:-$(( 20000 + RANDOM % 20000 ))}}
    previous=""
    tries=$((tries + 1))
    if port_free "$port" && as_pg "$PG_BIN/pg_ctl" -D "$home/data" -l "$home/log" -w -t 60 \
        -o "-p $port -k $home -c listen_addresses=127.0.0.1 -c max_connections=300 $extra" \
        start >/dev/null; then
      break
    fi
    [ -n "${AGORA_PG_PORT:-}" ] || [ $tries -ge 5 ] && die "PostgreSQL did not start, see $home/log"
  done
  echo "$port" | as_pg tee "$home/port" >/dev/null
  local psql=("$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U postgres -Atq)
  if [ "$("${psql[@]}" -d postgres -c "SELECT 1 FROM pg_database WHERE datname = 'agora'")" != 1 ]; then
    "${psql[@]}" -d postgres -c "CREATE DATABASE agora" || die "cannot create database agora"
  fi
  url_of | tee "$dir/url"
}

case "$cmd" in
  start) start ;;
  stop) if running; then as_pg "$PG_BIN/pg_ctl" -D "$home/data" -m fast -w stop >/dev/null; say "PostgreSQL stopped"; fi ;;
  url) running || die "no PostgreSQL running for $dir"; url_of ;;
  *) die "unknown command $cmd" ;;
esac
