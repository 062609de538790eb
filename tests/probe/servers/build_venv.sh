#!/usr/bin/env bash
# Build one server venv under .venvs/<name> from pinned requirements; idempotent via a stamp
# holding the requirement line, so a changed pin rebuilds. Prints the wall time per server.
# usage: build_venv.sh NAME [--no-deps PKG]... -- PIP_ARGS...
set -euo pipefail
name=$1; shift
nodeps=()
while [[ $# -gt 0 && $1 != "--" ]]; do
  if [[ $1 == "--no-deps" ]]; then nodeps+=("$2"); shift 2; else echo "bad arg $1" >&2; exit 2; fi
done
[[ ${1:-} == "--" ]] && shift
root=${VENVS_DIR:-.venvs}
venv=$root/$name
want="$* | no-deps: ${nodeps[*]:-}"
if [[ -f $venv/.installed ]] && [[ "$(cat "$venv/.installed")" == "$want" ]]; then
  echo "[servers] $name: up to date"; exit 0
fi
start=$(date +%s)
rm -rf "$venv"
${PYTHON:-python3} -m venv "$venv"
export PIP_DISABLE_PIP_VERSION_CHECK=1
"$venv/bin/pip" install -q "$@"
for p in "${nodeps[@]}"; do "$venv/bin/pip" install -q --no-deps "$p"; done
printf '%s' "$want" > "$venv/.installed"
echo "[servers] $name: built in $(( $(date +%s) - start ))s"
