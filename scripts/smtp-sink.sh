#!/usr/bin/env bash
# A local SMTP sink (scripts/smtp-sink.py) in the background: scripts/smtp-sink.sh start|stop|url DIR
#   start  starts it on a free loopback port (the last one when free), keeping mail in DIR/mail;
#          prints smtp://127.0.0.1:<port> and writes the port to DIR/port
#   stop   stops it.  url  prints the URL of a running one.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cmd=${1:-}; dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || die "usage: scripts/smtp-sink.sh start|stop|url DIR"
mkdir -p "$dir"; dir=$(cd "$dir" && pwd)
python=/usr/bin/python3
"$python" -c 'import aiosmtpd' 2>/dev/null || die "python3-aiosmtpd is missing (apt-get install python3-aiosmtpd)"

running() { [ -f "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null; }
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
url_of() { echo "smtp://127.0.0.1:$(cat "$dir/port")"; }

start() {
  if running; then url_of; return; fi
  local port="" tries=0
  [ -f "$dir/port" ] && port_free "$(cat "$dir/port")" && port=$(cat "$dir/port")
  while [ -z "$port" ] || ! port_free "$port"; do
    port=$(( 40000 + RANDOM % 20000 )); tries=$((tries + 1))
    [ $tries -lt 20 ] || die "no free port for the SMTP sink"
  done
  rm -f "$dir/log"
  setsid "$python" "$AGORA_ROOT/scripts/smtp-sink.py" --port "$port" --dir "$dir/mail" \
    --pid-file "$dir/pid" >"$dir/log" 2>&1 < /dev/null &
  for _ in $(seq 1 150); do
    grep -q "smtp-sink ready" "$dir/log" 2>/dev/null && break
    sleep 0.1
  done
  grep -q "smtp-sink ready" "$dir/log" || die "the SMTP sink did not start, see $dir/log"
  echo "$port" > "$dir/port"
  url_of
}

stop() {
  running || return 0
  local pid; pid=$(cat "$dir/pid")
  kill "$pid"
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$dir/pid"
  say "SMTP sink stopped"
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  url) running || die "no SMTP sink running for $dir"; url_of ;;
  *) die "unknown command $cmd" ;;
esac
