#!/usr/bin/env bash
# Writes docker/k8s/secrets.yaml, the three Secrets the StatefulSet reads:
# - agora-cluster-certs: the cluster CA's certificate and, for each pod agora-0..N-1, its key and
#   certificate signed by the CA (scripts/cluster-certs.sh; the CA's key stays in CERT_DIR, off
#   the cluster: whoever holds it can make members);
# - agora-database: the PostgreSQL URL;
# - agora-tokens: staff tokens and the key of guests' order access tokens (random ones unless given).
#   docker/k8s/make-secrets.sh DATABASE_URL [replicas, default 3] [CERT_DIR, default var/k8s-certs]
#   AGORA_AUTH_TOKENS=token:admin,... to choose the tokens.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
[ $# -ge 1 ] || { echo "usage: $0 DATABASE_URL [replicas] [CERT_DIR]" >&2; exit 2; }
url=$1 replicas=${2:-3} dir=${3:-$root/var/k8s-certs}
out=${K8S_SECRETS_OUT:-$here/secrets.yaml}
nodes=()
for i in $(seq 0 $((replicas - 1))); do nodes+=("agora-$i"); done
bash "$root/scripts/cluster-certs.sh" "$dir" "${nodes[@]}" >/dev/null
random() { head -c 48 /dev/urandom | base64 | tr -d '/+=\n' | head -c "$1"; }
tokens=${AGORA_AUTH_TOKENS:-$(random 40):admin,$(random 40):operator}
b64() { base64 -w0 <"$1"; }
{
  echo "# Made by docker/k8s/make-secrets.sh; keep it out of version control."
  echo "apiVersion: v1"
  echo "kind: Secret"
  echo "metadata:"
  echo "  name: agora-cluster-certs"
  echo "type: Opaque"
  echo "data:"
  echo "  ca.pem: $(b64 "$dir/ca.pem")"
  for n in "${nodes[@]}"; do
    echo "  $n.pem: $(b64 "$dir/$n.pem")"
    echo "  $n.key: $(b64 "$dir/$n.key")"
  done
  echo "---"
  echo "apiVersion: v1"
  echo "kind: Secret"
  echo "metadata:"
  echo "  name: agora-database"
  echo "type: Opaque"
  echo "stringData:"
  echo "  url: \"$url\""
  echo "---"
  echo "apiVersion: v1"
  echo "kind: Secret"
  echo "metadata:"
  echo "  name: agora-tokens"
  echo "type: Opaque"
  echo "stringData:"
  echo "  tokens: \"$tokens\""
  echo "  order-token-secret: \"$(random 48)\""
} >"$out"
chmod 0600 "$out"
echo "$out (admin token: ${tokens%%:*})"
