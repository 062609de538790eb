#!/usr/bin/env bash
# Make the local base image the image tests build on: no registry but Debian's can be reached
# here, so the step images' base ARGs point at this instead of python:slim / docker-stacks.
#   base-image.sh [IMAGE]   (default localhost/nbgate-base:bookworm; needs root for debootstrap)
# A minimal bookworm plus python3 (3.11), venv, pip and CA certificates (no git: the clone image
# installs it, as it must on python:slim): what python:slim
# gives the step images, and what a user's "bring your own image" minimally has.
set -euo pipefail
image=${1:-localhost/nbgate-base:bookworm}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
work=${BASE_WORKDIR:-/var/tmp/nbgate-images}  # not build/: `make clean` must not pull it away mid-run
if podman image exists "$image" && [[ -z ${FORCE:-} ]]; then
  echo "base-image: $image exists (FORCE=1 to remake)"; exit 0
fi
mkdir -p "$work"
rootfs=$(mktemp -d "$work/rootfs.XXXXXX")
trap 'rm -rf "$rootfs"' EXIT
start=$SECONDS
debootstrap --variant=minbase \
  --include=python3,python3-venv,python3-pip,ca-certificates \
  bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
  || { tail -20 "$work/debootstrap.log"; exit 1; }
# Trim what a container never uses: apt lists, docs, man pages, locales.
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb \
  "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/*
find "$rootfs"/usr/share/locale -mindepth 1 -maxdepth 1 ! -name 'locale.alias' -exec rm -rf {} +
tar -C "$rootfs" -c . | podman import -q \
  --change 'CMD ["/bin/bash"]' --change 'ENV LANG=C.UTF-8' - "$image" >/dev/null
echo "base-image: $image built in $((SECONDS - start)) s ($(podman image inspect --format '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1/1e6}'))"
