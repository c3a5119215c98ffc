#!/usr/bin/env bash
# The stack with podman and no image registry (how this project's tests run it): installs podman,
# podman-compose, runc and debootstrap when missing, makes the debian:12 base image
# (docker/base-image.sh), builds the images the compose files name unless they exist (--build:
# always; podman-compose 1.0 would build them without the .dockerignore and on the default
# bridge, so they are built here), then runs podman-compose with both files.
#   docker/offline-up.sh [--build] [podman-compose command...]
#   default command: up -d postgres mail node prometheus     (Grafana has no Debian package)
#   e.g. docker/offline-up.sh down        AGORA_NODES=3 docker/offline-up.sh up -d node
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
export CONTAINERS_CONF=${CONTAINERS_CONF:-$here/containers.conf}
rebuild=0
if [ "${1:-}" = --build ]; then rebuild=1; shift; fi
source "$root/scripts/lib.sh"
install_packages podman podman-compose runc debootstrap
"$here/base-image.sh" >/dev/null
build() { # IMAGE DOCKERFILE
  if [ "$rebuild" = 1 ] || ! podman image exists "$1"; then
    podman build --network host --ignorefile "$here/Dockerfile.dockerignore" -t "$1" -f "$2" "$root"
  fi
}
build localhost/agora:latest "$here/Dockerfile"
build localhost/agora-postgres:15 "$here/offline/postgres.Dockerfile"
build localhost/agora-smtp-sink:latest "$here/offline/smtp-sink.Dockerfile"
build localhost/agora-prometheus:latest "$here/offline/prometheus.Dockerfile"
[ $# -gt 0 ] || set -- up -d postgres mail node prometheus
cd "$here"
exec podman-compose -p "${AGORA_PROJECT:-agora}" -f compose.yaml -f compose.offline.yaml "$@"
