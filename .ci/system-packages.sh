#!/usr/bin/env bash
# Every Debian package the suite uses, in ONE apt transaction (dpkg takes one lock at a time,
# so the per-area make targets then find them present and skip their own apt-get).
set -euo pipefail
PKGS=(
  git git-lfs make                              # clone tests: git daemon, git http-backend, LFS
  buildah podman debootstrap fuse-overlayfs uidmap slirp4netns runc   # image tests
  chromium chromium-driver                      # HTML report in a real browser
  prometheus prometheus-pushgateway             # promtool, a real Pushgateway
  wrk                                           # probe benchmark peer
  openjdk-17-jre-headless                       # TorchServe
  cmake                                         # llama-cpp-python builds from source
)
missing=()
for p in "${PKGS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "system packages present"
