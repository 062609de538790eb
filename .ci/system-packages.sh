#!/usr/bin/env bash
# Debian packages the tests use (git daemon is part of git). Idempotent.
set -euo pipefail
PKGS=(git make)
missing=()
for p in "${PKGS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi
