#!/usr/bin/env bash
# Installs what is missing, builds agora and runs one node with every role. Without
# AGORA_DATABASE_URL it creates and starts a private PostgreSQL under var/pg (kept between runs;
# scripts/pg.sh stop var/pg stops it); without AGORA_SMTP_URL a local SMTP sink under var/smtp
# that keeps every mail in var/smtp/mail (scripts/smtp-sink.sh stop var/smtp stops it). Extra
# arguments go to agora (see agora --help).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$AGORA_ROOT"

install_missing_packages
build_agora "$AGORA_ROOT/build" RelWithDebInfo

if [ -z "${AGORA_DATABASE_URL:-}" ]; then
  export AGORA_DATABASE_URL=$(bash scripts/pg.sh start "$AGORA_ROOT/var/pg")
fi
if [ -z "${AGORA_SMTP_URL:-}" ]; then
  export AGORA_SMTP_URL=$(bash scripts/smtp-sink.sh start "$AGORA_ROOT/var/smtp")
  export AGORA_SMTP_TLS=${AGORA_SMTP_TLS:-none}
  mail_note="(local sink; mail lands in var/smtp/mail/*.eml)"
fi
if [ -z "${AGORA_AUTH_TOKENS:-}" ]; then
  token_file="$AGORA_ROOT/var/admin-token"
  if [ ! -s "$token_file" ]; then
    mkdir -p "$AGORA_ROOT/var"
    (umask 077; head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$token_file")
  fi
  export AGORA_AUTH_TOKENS="$(cat "$token_file"):admin"
fi
port=${AGORA_HTTP_PORT:-8080}
cat >&2 <<MSG
agora: starting a node with every role
  front door   http://127.0.0.1:$port/   (shop /shop, API docs /docs, readiness /readyz, metrics /metrics)
  database     ${AGORA_DATABASE_URL}
  mail         ${AGORA_SMTP_URL} ${mail_note:-}
  admin token  ${AGORA_AUTH_TOKENS%%:*}   (Authorization: Bearer <token>; kept in var/admin-token)
  logs         one JSON line per event on stderr; stop with Ctrl-C
MSG
exec "$AGORA_ROOT/build/runtime/agora" "$@"
