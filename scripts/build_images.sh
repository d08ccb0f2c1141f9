#!/usr/bin/env bash
# Build the testnet's images: sprintchain-node:local (Dockerfile target `node`) and
# sprintchain-worker:local (target `worker`), after the local base images when they are missing
# (scripts/build_base_images.sh: python:3.11-slim and cometbft/cometbft:v0.38.25 without a registry).
#
#   scripts/build_images.sh            # layers are cached: a code change rebuilds the last layer only
#
# Prints each image's build time and size. Builds run with `nice -n 19` and `--network host` (pip
# reaches PyPI through the host's network).
set -euo pipefail
cd "$(dirname "$0")/.."

LOG_DIR="${LOG_DIR:-${TMPDIR:-/tmp}}"
scripts/build_base_images.sh

build() {
  local target="$1" tag="$2" started size
  started=$(date +%s)
  nice -n 19 docker build --network host --target "${target}" -t "${tag}" . >"${LOG_DIR}/build-${target}.log" 2>&1 \
    || { tail -n 40 "${LOG_DIR}/build-${target}.log" >&2; echo "docker build --target ${target} failed" >&2; return 1; }
  size=$(docker image inspect -f '{{.Size}}' "${tag}")
  echo "built ${tag} in $(( $(date +%s) - started )) s, $(( size / 1000000 )) MB" >&2
}

build node sprintchain-node:local
build worker sprintchain-worker:local
