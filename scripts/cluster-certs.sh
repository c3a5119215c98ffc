#!/usr/bin/env bash
# Makes the certificates of a cluster with the openssl CLI: one cluster CA and, for each node name
# given, a key and a certificate signed by it. A node presents its own and accepts only peers whose
# certificate this CA signed (mutual TLS on the cluster port): the CA is the cluster's access list,
# so keep ca.key off the nodes. Existing files are kept (run it again to add nodes).
#   scripts/cluster-certs.sh DIR NODE [NODE...]
#   -> DIR/ca.pem, DIR/ca.key, DIR/NODE.pem, DIR/NODE.key
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 DIR NODE [NODE...]" >&2; exit 2; }
dir=$1
shift
mkdir -p "$dir"
umask 077
if [ ! -f "$dir/ca.pem" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=agora cluster CA" \
    -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>/dev/null
fi
for node in "$@"; do
  [ -f "$dir/$node.pem" ] && continue
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$node" -keyout "$dir/$node.key" \
    -out "$dir/$node.csr" 2>/dev/null
  openssl x509 -req -in "$dir/$node.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
    -CAcreateserial -days 825 -out "$dir/$node.pem" 2>/dev/null
  rm -f "$dir/$node.csr"
done
chmod 0644 "$dir"/*.pem
echo "$dir"
