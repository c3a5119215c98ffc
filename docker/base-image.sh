#!/usr/bin/env bash
# Makes the debian:12 base images from Debian's own mirror with debootstrap, for a machine where no
# image registry is reachable (this project's CI): a minbase Debian 12 root file system imported
# into podman as localhost/debian:bookworm and tagged docker.io/library/debian:12 and :12-slim,
# so `FROM debian:12` and `FROM debian:12-slim` resolve to it. Does nothing when debian:12
# exists already (pulled from a registry, or made before).
#   docker/base-image.sh [--force]
set -euo pipefail
export CONTAINERS_CONF=${CONTAINERS_CONF:-$(cd "$(dirname "$0")" && pwd)/containers.conf}
if [ "${1:-}" != --force ] && podman image exists docker.io/library/debian:12; then
  echo "debian:12 exists"
  exit 0
fi
command -v debootstrap >/dev/null || { echo "debootstrap is missing (apt-get install debootstrap)" >&2; exit 1; }
# The mirror apt uses here (deb822 or one-line sources), else Debian's CDN.
mirror=$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $3 == "bookworm" {print $2; exit}' /etc/apt/sources.list 2>/dev/null)
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
rootfs=$(mktemp -d)
trap 'rm -rf "$rootfs"' EXIT
debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >/dev/null
cat >"$rootfs/etc/apt/sources.list" <<SOURCES
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb ${mirror%/debian}/debian-security bookworm-security main
SOURCES
rm -rf "$rootfs"/var/cache/apt/* "$rootfs"/var/lib/apt/lists/*
tar -C "$rootfs" -c . | podman import --change 'CMD ["bash"]' - localhost/debian:bookworm >/dev/null
podman tag localhost/debian:bookworm docker.io/library/debian:12 docker.io/library/debian:12-slim
podman image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' localhost/debian:bookworm
