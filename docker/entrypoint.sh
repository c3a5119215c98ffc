#!/bin/sh
# How a node container starts. Each replica of the compose `node` service (and each pod of the
# StatefulSet) is its own cluster member:
# - its node id is its host name, and the address it binds and publishes on the cluster port is
#   its own (first) IP, unless AGORA_NODE_ID / AGORA_CLUSTER_ADDRESS say otherwise;
# - mutual TLS on the cluster port: when no certificate is given (AGORA_CLUSTER_CERT), the first
#   node to start makes the cluster CA in the shared volume at AGORA_CERT_DIR (/certs), under a
#   lock, and every node makes and signs its own key and certificate there once. Whoever can
#   write that volume can join: on Kubernetes the certificates come from Secrets instead.
set -eu
: "${AGORA_NODE_ID:=$(hostname)}"
: "${AGORA_CLUSTER_ADDRESS:=$(getent hosts "$(hostname)" | awk '{print $1; exit}')}"
export AGORA_NODE_ID AGORA_CLUSTER_ADDRESS
case "${AGORA_CLUSTER_INSECURE:-false}" in
  true|1|yes) ;;
  *)
    if [ -z "${AGORA_CLUSTER_CERT:-}" ]; then
      certs=${AGORA_CERT_DIR:-/certs}
      flock "$certs/.lock" /usr/local/bin/cluster-certs "$certs" "$AGORA_NODE_ID" >/dev/null
      export AGORA_CLUSTER_CERT="$certs/$AGORA_NODE_ID.pem" AGORA_CLUSTER_KEY="$certs/$AGORA_NODE_ID.key" \
             AGORA_CLUSTER_CA="$certs/ca.pem"
    fi
    ;;
esac
exec /usr/local/bin/agora "$@"
