#!/usr/bin/env bash
# The compose deployment for real, under podman-compose with images built here from Debian
# packages (docker/offline-up.sh): from a clean state the stack comes up; an order through a
# node's door is DELIVERED and its mails reach the sink; scaling from 1 to 3 nodes while orders
# flow spreads the shards, each door delivers an order, Prometheus in the stack scrapes every node
# (up == 1, asked through its HTTP API); scaling back to 1 loses no order; `down` then `up`
# keeps the orders (the database volume). Prints the timings of the cold and the warm `up`.
#   tests/compose_e2e.sh        (ctest -L compose; a few minutes, more when images are built)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
up="$root/docker/offline-up.sh"
export AGORA_PROJECT=agoratest$$ AGORA_NODES=1 AGORA_SHIPPING_STEP_SECONDS=1
# Loopback ports picked by podman ("127.0.0.1::8080"); the test speaks to the containers on
# their own network.
export AGORA_PUBLISH=127.0.0.1: AGORA_MAIL_PUBLISH=127.0.0.1: AGORA_PROMETHEUS_PUBLISH=127.0.0.1:
export AGORA_AUTH_TOKENS=compose-test-admin-token-0001:admin
auth=(-H "Authorization: Bearer compose-test-admin-token-0001")
p=$AGORA_PROJECT
log() { echo "compose_e2e: $*"; }
fail() {
  log "FAILED: $*"
  podman logs "${p}_node_1" >"/tmp/$p.node_1.log" 2>&1 || true
  tail -n 40 "/tmp/$p.node_1.log" | sed 's/^/  node_1: /'
  log "node_1's whole log: /tmp/$p.node_1.log"
  exit 1
}
cleanup() { # (never `kill 0`: that would be the whole process group, ctest with it)
  if [ -n "${flow:-}" ]; then kill "$flow" 2>/dev/null || true; fi
  "$up" down -v >/dev/null 2>&1 || true
}
trap cleanup EXIT

ip_of() { podman inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$1"; }
wait_for() { # SECONDS COMMAND...: until the command succeeds
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do [ $SECONDS -lt $deadline ] || return 1; sleep 1; done
}
ready() { curl -sf "http://$(ip_of "$1"):8080/readyz"; }
body() { # EMAIL PRODUCT -> a POST /orders body
  printf '{"customer_email":"%s","items":[{"product_id":%s,"quantity":1}],"payment":{"card_number":"4242424242424242"},"shipping_address":{"name":"Ann","line1":"1 Main St","city":"Springfield","postal_code":"12345","country":"US"}}' "$1" "$2"
}
order() { # DOOR_IP -> the new order's id
  curl -sf "${auth[@]}" -H 'Content-Type: application/json' "http://$1:8080/orders" \
    -d "$(body compose@example.com 3)" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'
}
status() { curl -sf "${auth[@]}" "http://$1:8080/orders/$2" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])'; }
delivered() { [ "$(status "$1" "$2")" = DELIVERED ]; }

t0=$SECONDS # offline-up.sh makes the base image and builds the images first when they are missing
"$up" down -v >"/tmp/$p.up" 2>&1 || true
built=$((SECONDS - t0))
"$up" up -d postgres mail node prometheus >>"/tmp/$p.up" 2>&1 || { cat "/tmp/$p.up"; fail "up"; }
wait_for 180 ready "${p}_node_1" || fail "node_1 not ready within 180 s"
log "cold up: ready in $((SECONDS - t0)) s, of which $built s making the base image and images that were missing"
# What agora's runtime stage adds over its base (bar: < 100 MB).
size() { podman image inspect -f '{{.Size}}' "$1"; }
added=$(( ($(size localhost/agora:latest) - $(size docker.io/library/debian:12-slim)) / 1000000 ))
log "image localhost/agora:latest: $(( $(size localhost/agora:latest) / 1000000 )) MB, $added MB over debian:12-slim"
[ "$added" -lt 100 ] || fail "the runtime stage adds $added MB (bar: < 100 MB)"
a=$(ip_of "${p}_node_1")
for product in 3 5; do # stock for every order of the test
  curl -sf "${auth[@]}" -X PUT -H 'Content-Type: application/json' -d '{"on_hand":100000}' \
    "http://$a:8080/inventory/$product" >/dev/null || fail "cannot restock product $product"
done
first=$(order "$a") || fail "no order through node_1"
wait_for 60 delivered "$a" "$first" || fail "order $first not DELIVERED: $(status "$a" "$first")"
mailed() { podman exec "${p}_mail_1" sh -c 'cat /mail/*.json 2>/dev/null' | grep -q "We received your order $1"; }
wait_for 30 mailed "$first" || fail "no ORDER_CREATED mail for $first in the sink"
log "order $first DELIVERED through node_1, its mail in the sink"

# 1 -> 3 nodes while orders flow through node_1's door.
: >"/tmp/$p.flow"
( while :; do
    code=$(curl -s --max-time 10 -o /dev/null "${auth[@]}" -H 'Content-Type: application/json' \
      "http://$a:8080/orders" -d "$(body flow@example.com 5)" \
      -D - 2>/dev/null | tr -d '\r' | awk '/^HTTP/{c=$2} /^[Ll]ocation:/{l=$2} END{print c, l}')
    echo "$code" >>"/tmp/$p.flow"; sleep 0.6 # under the door's default 2 orders/s per client
  done ) & flow=$!
AGORA_NODES=3 "$up" up -d node >/dev/null 2>&1 # podman-compose says the running ones exist
for n in 2 3; do wait_for 120 ready "${p}_node_$n" || fail "node_$n not ready"; done
owners() { curl -sf "${auth[@]}" "http://$a:8080/admin/shards?kind=orders" \
  | python3 -c 'import json,sys; print(len({s["owner"] for s in json.load(sys.stdin)["items"] if s.get("owner")}))'; }
spread() { [ "$(owners)" = 3 ]; }
wait_for 60 spread || fail "the order shards did not spread over 3 nodes: $(owners) owners"
log "3 nodes own the order shards"
for n in 2 3; do
  ip=$(ip_of "${p}_node_$n")
  id=$(order "$ip") || fail "no order through node_$n"
  wait_for 60 delivered "$ip" "$id" || fail "order $id through node_$n not DELIVERED"
done
log "an order through each new door DELIVERED"
prom=$(ip_of "${p}_prometheus_1")
scraped() { curl -sf "http://$prom:9090/api/v1/query" --data-urlencode 'query=up{job="agora"}' \
  | python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(sum(1 for x in r if x["value"][1]=="1"))'; }
all_up() { [ "$(scraped)" = 3 ]; }
wait_for 60 all_up || fail "Prometheus does not see 3 nodes up: $(scraped)"
log "Prometheus: up == 1 for each of the 3 nodes"

# 3 -> 1: SIGTERM hands the shards back; the flow goes on through node_1.
podman stop -t 30 "${p}_node_3" "${p}_node_2" >/dev/null
podman rm "${p}_node_3" "${p}_node_2" >/dev/null
# The door answers within its request timeout (5 s) whatever happens behind it; a curl that gives
# up after 10 s is a stalled request, recorded as "000" and failed below.
flowed() { [ "$(wc -l <"/tmp/$p.flow")" -ge "$1" ]; }
n=$(wc -l <"/tmp/$p.flow")
wait_for 60 flowed $((n + 5)) || fail "the flow through node_1 stopped after the scale-down"
kill "$flow"; wait "$flow" 2>/dev/null || true; flow=
accepted=$(grep -c '^202 ' "/tmp/$p.flow" || true)
refused=$(grep -vc '^202 ' "/tmp/$p.flow" || true)
log "orders during the scaling: $accepted accepted, $refused not"
[ "$accepted" -gt 0 ] || fail "no order accepted while scaling"
[ "$refused" = 0 ] || fail "requests failed while scaling: $(grep -v '^202 ' "/tmp/$p.flow" | sort | uniq -c | head)"
for loc in $(awk '{print $2}' "/tmp/$p.flow"); do
  wait_for 90 delivered "$a" "${loc##*/}" || fail "order ${loc##*/} (placed while scaling) not DELIVERED"
done
log "every order placed while scaling was DELIVERED"

# down, then up: the database volume keeps the orders.
"$up" down >/dev/null 2>&1
t1=$SECONDS
"$up" up -d postgres mail node prometheus >/dev/null 2>&1
wait_for 120 ready "${p}_node_1" || fail "node_1 not ready after down/up"
log "warm up ready in $((SECONDS - t1)) s"
[ "$(status "$(ip_of "${p}_node_1")" "$first")" = DELIVERED ] || fail "order $first lost by down/up"
log "order $first still DELIVERED after down and up"
rm -f "/tmp/$p.flow" "/tmp/$p.up"
log "passed"
