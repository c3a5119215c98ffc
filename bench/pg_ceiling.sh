#!/usr/bin/env bash
# What PostgreSQL alone can do on this machine with the rows of agora's sagas: a ceiling for
# POST /orders that no node can beat. Runs a node for a moment on a fresh durable PostgreSQL
# (synchronous_commit on) to get real delivered orders with all their rows (journal, projection,
# holds, reservations, stock, payment, shipment and its moves, three mails), stops it, takes 100
# of them as templates and has pgbench write whole sagas of copies (bench/pg_ceiling.sql) from
# two clients for a while. Prints sagas/s, the CPU each saga cost PostgreSQL, and the cores
# PostgreSQL alone would need for 3,000 orders/s. Run it on an otherwise idle machine.
#   bench/pg_ceiling.sh [seconds, default 20] [clients, default 2]
# CEILING_KEYS_ONLY=1 first drops every index that backs no primary or unique key and every
# foreign key: what a schema stripped to its keys would allow (the API's lists, the outbox queue
# and recovery need those indexes, so agora does not run this way).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$AGORA_ROOT"
seconds=${1:-20}
clients=${2:-2}
bench_setup "$AGORA_ROOT/build-bench/ceiling"

# Real sagas: a second of bench/orders.lua, then the node's carrier delivers them.
bench_node_start "$AGORA_ROOT/build-bench/runtime/agora" "$url" "$work/node.log"
wrk -t1 -c4 -d1s -s bench/orders.lua "$base/orders" >/dev/null 2>&1
bench_wait_for_sagas "$url" >/dev/null
kill "$node_pid" && wait "$node_pid" 2>/dev/null || true
node_pid=""
[ "$(bench_psql "SELECT count(*) FROM orders WHERE status = 'DELIVERED'")" -ge 100 ] \
  || die "fewer than 100 delivered orders to copy"

bench_psql >/dev/null <<SQL
CREATE TABLE ceiling_orders AS
  SELECT * FROM orders WHERE status = 'DELIVERED' ORDER BY created_at LIMIT 100;
CREATE TABLE ceiling_events AS
  SELECT e.* FROM order_events e JOIN ceiling_orders o ON o.id = e.order_id;
CREATE TABLE ceiling_holds AS SELECT h.* FROM holds h JOIN ceiling_orders o ON o.id = h.order_id;
CREATE TABLE ceiling_reservations AS
  SELECT r.* FROM reservations r JOIN ceiling_orders o ON o.id = r.order_id;
CREATE TABLE ceiling_payments AS
  SELECT p.* FROM payments p JOIN ceiling_orders o ON o.id = p.order_id;
CREATE TABLE ceiling_shipments AS
  SELECT s.* FROM shipments s JOIN ceiling_orders o ON o.id = s.order_id;
CREATE TABLE ceiling_notes AS
  SELECT n.* FROM notifications n JOIN ceiling_orders o ON o.id = n.order_id;
CREATE SEQUENCE ceiling_runs;
CREATE FUNCTION ceiling_journal(r bigint, types text[]) RETURNS void LANGUAGE sql AS \$\$
  INSERT INTO order_events (order_id, seq, type, data, at)
    SELECT order_id || '-' || r, seq, type, data, now() FROM ceiling_events
    WHERE type = ANY (types)
\$\$;
CREATE FUNCTION ceiling_mail(r bigint, mail_type text) RETURNS void LANGUAGE sql AS \$\$
  INSERT INTO notifications (id, dedupe_key, type, order_id, product_id, recipient, subject,
                             body_text, body_html)
    SELECT id || '-' || r, dedupe_key || '-' || r, type, order_id || '-' || r, NULL, recipient,
           subject, body_text, body_html FROM ceiling_notes WHERE type = mail_type
    ON CONFLICT (dedupe_key) DO NOTHING
\$\$;
-- Each further client gets its own copy of the products and their stock (see pg_ceiling.sql).
CREATE TEMP TABLE p AS SELECT * FROM products WHERE id <= 1000;
CREATE TEMP TABLE s AS SELECT * FROM stock WHERE product_id <= 1000;
DO \$\$ BEGIN
  FOR c IN 1..$((clients - 1)) LOOP
    UPDATE p SET id = id + 1000, sku = sku || '-c';
    UPDATE s SET product_id = product_id + 1000;
    INSERT INTO products SELECT * FROM p;
    INSERT INTO stock SELECT * FROM s;
  END LOOP;
END \$\$;
UPDATE stock SET on_hand = 100000000, reserved = 0;
SQL
if [ "${CEILING_KEYS_ONLY:-}" = 1 ]; then
  bench_psql >/dev/null <<'SQL'
DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT conrelid::regclass AS t, conname FROM pg_constraint
           WHERE contype = 'f' AND connamespace = 'public'::regnamespace LOOP
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.t, r.conname);
  END LOOP;
  FOR r IN SELECT x.indexrelid::regclass AS i FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid
           WHERE NOT x.indisunique AND c.relnamespace = 'public'::regnamespace LOOP
    EXECUTE 'DROP INDEX ' || r.i;
  END LOOP;
END $$;
SQL
fi
bench_psql >/dev/null <<'SQL'
VACUUM ANALYZE;
CHECKPOINT;
SQL
per_run=$(bench_psql "SELECT count(*) FROM ceiling_orders")
[ "$(bench_psql "SELECT count(DISTINCT type) FROM ceiling_notes")" = 3 ] \
  || die "the template orders do not have their three mails"

originals=$(bench_psql "SELECT count(*) FROM orders")
busy_ticks() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8}' /proc/stat; }
ticks0=$(busy_ticks)
/usr/bin/time -f "%U %S" -o "$work/pgbench.time" "$PG_BIN/pgbench" -n -f bench/pg_ceiling.sql \
  -c "$clients" -j "$clients" -T "$seconds" "$url" >"$work/pgbench.out" 2>&1 \
  || { cat "$work/pgbench.out"; die "pgbench failed"; }
ticks1=$(busy_ticks)
# The pgbench backends are gone by now, so PostgreSQL's CPU is the machine's busy time less
# pgbench's own: run this on an otherwise idle machine.
busy=$(echo "scale=3; ($ticks1 - $ticks0) / $(getconf CLK_TCK)" | bc)
client_cpu=$(awk '{print $1 + $2}' "$work/pgbench.time")
sagas=$(bench_psql "SELECT count(*) FROM orders WHERE status = 'DELIVERED'")
sagas=$((sagas - originals))
[ "$sagas" -eq $(($(bench_psql "SELECT last_value FROM ceiling_runs") * per_run)) ] \
  || die "not every copied saga was delivered"
/usr/bin/env python3 - "$sagas" "$seconds" "$busy" "$client_cpu" "$clients" <<'PY'
import os, sys
sagas, seconds, busy, client, clients = int(sys.argv[1]), *map(float, sys.argv[2:5]), sys.argv[5]
pg_ms = 1000 * (busy - client) / max(sagas, 1)
keys = " (keys only)" if os.environ.get("CEILING_KEYS_ONLY") == "1" else ""
print(f"PostgreSQL alone{keys}, {clients} clients, {seconds:.0f} s: {sagas / seconds:,.0f} whole sagas/s"
      f" ({sagas:,} sagas, 100 per script run, 7 commits each)")
print(f"machine busy {busy / seconds:.2f} of its cores; PostgreSQL CPU per saga {pg_ms:.3f} ms;"
      f" 3,000 sagas/s would take {3 * pg_ms:.1f} cores for PostgreSQL alone")
PY
