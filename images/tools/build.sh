#!/usr/bin/env bash
# Build step images, in parallel, and print each one's build time and size.
#   build.sh STEP...          (steps: clone execute compare probe report byoi; execute-gpu only
#                              where its CUDA base can be pulled)
# Environment (mk/images.mk sets these):
#   REGISTRY, TAG            image names are $REGISTRY/nbgate-<step>:$TAG
#   IMAGE_BASE               base for the python steps (default: the Dockerfiles' pinned python:slim)
#   IMAGE_EXECUTE_BASE       base for execute (default: the pinned docker-stacks scipy-notebook)
#   IMAGE_CA_BUNDLE          CA bundle mounted into RUN steps for pip behind a TLS-inspecting proxy
#   IMAGE_BUILD              the build command (default: podman build; buildah bud works too)
set -euo pipefail
cd "$(dirname "$0")/../.."
REGISTRY=${REGISTRY:-localhost}
TAG=${TAG:-dev}
IMAGE_BUILD=${IMAGE_BUILD:-podman build}
logs=${IMAGE_LOG_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/nbgate-image-logs.XXXXXX")}
mkdir -p "$logs"

build_one() {
  local step=$1 start=$SECONDS args=()
  local ref="$REGISTRY/nbgate-$step:$TAG"
  case $step in
    execute | execute-gpu) [[ -n ${IMAGE_EXECUTE_BASE:-} ]] && args+=(--build-arg "BASE_IMAGE=$IMAGE_EXECUTE_BASE") ;;
    *) [[ -n ${IMAGE_BASE:-} ]] && args+=(--build-arg "BASE_IMAGE=$IMAGE_BASE") ;;
  esac
  if [[ -n ${IMAGE_CA_BUNDLE:-} ]]; then
    args+=(-v "$IMAGE_CA_BUNDLE:/etc/ssl/certs/ca-certificates.crt:ro"
      --build-arg "PIP_CERT=/etc/ssl/certs/ca-certificates.crt")
  fi
  # --network host: the build reaches the package registries the way this machine does.
  if $IMAGE_BUILD --network host --layers=false "${args[@]}" -f "images/$step/Dockerfile" -t "$ref" . \
    >"$logs/$step.log" 2>&1; then
    local size
    size=$(podman image inspect --format '{{.Size}}' "$ref" | awk '{printf "%.0f", $1/1e6}')
    printf 'image %-12s %5s MB  built in %4d s  %s\n' "$step" "$size" $((SECONDS - start)) "$ref"
  else
    printf 'image %-12s FAILED after %d s; last lines of %s:\n' "$step" $((SECONDS - start)) "$logs/$step.log"
    tail -15 "$logs/$step.log" | sed 's/^/    /'
    return 1
  fi
}

pids=()
for step in "$@"; do
  [[ -f images/$step/Dockerfile ]] || { echo "build.sh: no images/$step/Dockerfile" >&2; exit 2; }
  build_one "$step" & pids+=($!)
done
rc=0
for pid in "${pids[@]}"; do wait "$pid" || rc=1; done
exit $rc
