#!/usr/bin/env bash
# Build local stand-ins for the two base images that Dockerfile and docker-compose.yml name, for
# machines that cannot pull from a registry (air-gapped validators, CI without Docker Hub):
#
#   python:3.11-slim            Debian bookworm (mmdebstrap or debootstrap, minbase) + python3.11 and pip from
#                               Debian packages, imported with `docker import`
#   cometbft/cometbft:v0.38.25  that base + curl/jq + the cometbft binary of scripts/install_cometbft.sh
#
#   scripts/build_base_images.sh [--force]
#
# An image that already exists is kept (so a real python:3.11-slim pulled from Docker Hub is never
# replaced) unless --force is given. Needs root (mmdebstrap/debootstrap) and access to a Debian mirror
# ($DEBIAN_MIRROR); the rootfs is cached in $BASE_CACHE so a rebuild does not download it again.
# The CA certificates added on this machine ($HOST_CA_DIR) are trusted in the image too.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON_IMAGE="python:3.11-slim"
COMETBFT_VERSION="${COMETBFT_VERSION:-v0.38.25}"
COMETBFT_IMAGE="cometbft/cometbft:${COMETBFT_VERSION}"
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
BASE_CACHE="${BASE_CACHE:-/var/cache/sprintchain-base}"
HOST_CA_DIR="${HOST_CA_DIR:-/usr/local/share/ca-certificates}"
FORCE=0
[ "${1:-}" = "--force" ] && FORCE=1

log() { echo "build_base_images: $*" >&2; }
have_image() { [ "${FORCE}" = 0 ] && docker image inspect "$1" >/dev/null 2>&1; }

bootstrap_tool() {
  # mmdebstrap (apt downloads in parallel: about 1 min here) or else debootstrap (about 3.5 min)
  local tool
  for tool in mmdebstrap debootstrap; do
    if command -v "${tool}" >/dev/null 2>&1; then echo "${tool}"; return 0; fi
  done
  timeout 600 apt-get update -qq >/dev/null 2>&1 || true
  for tool in mmdebstrap debootstrap; do
    if DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq "${tool}" >/dev/null 2>&1; then
      echo "${tool}"; return 0
    fi
  done
  log "neither mmdebstrap nor debootstrap is installed or installable"; return 1
}

build_rootfs() {
  # minbase + python3 (3.11 in bookworm) + pip/venv; no recommends, so no compiler
  local rootfs="$1" tool extra=()
  tool="$(bootstrap_tool)"
  rm -rf "${rootfs}.tmp"
  # mmdebstrap's own merged-/usr hook: without it the usrmerge package is installed, and perl (+50 MB)
  [ "${tool}" = mmdebstrap ] && extra=(--hook-dir=/usr/share/mmdebstrap/hooks/maybe-merged-usr)
  log "${tool}: Debian bookworm + python3.11 into ${rootfs}"
  nice -n 19 timeout 1200 "${tool}" "${extra[@]}" --variant=minbase \
      --include=python3,python3-pip,python3-venv,ca-certificates \
      bookworm "${rootfs}.tmp" "${DEBIAN_MIRROR}" >"${BASE_CACHE}/bootstrap.log" 2>&1 \
    || { tail -n 30 "${BASE_CACHE}/bootstrap.log" >&2; return 1; }
  # like the official image: `python` and `pip` exist, pip may install into /usr/local
  ln -sf python3 "${rootfs}.tmp/usr/bin/python"
  ln -sf pip3 "${rootfs}.tmp/usr/bin/pip"
  rm -f "${rootfs}.tmp"/usr/lib/python3.11/EXTERNALLY-MANAGED
  # slim: no apt lists, package caches, docs, man pages or locales
  rm -rf "${rootfs}.tmp"/var/lib/apt/lists/* "${rootfs}.tmp"/var/cache/apt/*.bin \
         "${rootfs}.tmp"/var/cache/apt/archives/*.deb "${rootfs}.tmp"/usr/share/doc/* \
         "${rootfs}.tmp"/usr/share/man/* "${rootfs}.tmp"/usr/share/locale/* "${rootfs}.tmp"/var/log/*
  mv "${rootfs}.tmp" "${rootfs}"
}

trust_host_cas() {
  # The image trusts what this machine trusts: CAs added locally (e.g. a TLS-inspecting egress
  # proxy's, without which pip cannot reach PyPI from a build) go into the image's store as well.
  local rootfs="$1" added=0 cert
  for cert in "${HOST_CA_DIR}"/*.crt; do
    [ -f "${cert}" ] || continue
    cp "${cert}" "${rootfs}/usr/local/share/ca-certificates/" && added=1
  done
  if [ "${added}" = 1 ]; then chroot "${rootfs}" update-ca-certificates >/dev/null 2>&1; fi
}

build_python() {
  if have_image "${PYTHON_IMAGE}"; then log "${PYTHON_IMAGE} exists"; return 0; fi
  mkdir -p "${BASE_CACHE}"
  local rootfs="${BASE_CACHE}/bookworm-python3.11"
  [ -d "${rootfs}" ] || build_rootfs "${rootfs}"
  trust_host_cas "${rootfs}"
  log "importing ${rootfs} as ${PYTHON_IMAGE}"
  tar -C "${rootfs}" -c . | docker import \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'ENV LANG=C.UTF-8' \
      --change 'CMD ["python3"]' \
      - "${PYTHON_IMAGE}" >/dev/null
  docker run --rm "${PYTHON_IMAGE}" python -c 'import sys, ssl; assert sys.version_info[:2] == (3, 11)'
}

build_cometbft() {
  if have_image "${COMETBFT_IMAGE}"; then log "${COMETBFT_IMAGE} exists"; return 0; fi
  local binary context
  binary="$(COMETBFT_VERSION="${COMETBFT_VERSION}" scripts/install_cometbft.sh)"
  "${binary}" version | grep -qx "${COMETBFT_VERSION#v}" \
    || { log "${binary} is $("${binary}" version), not ${COMETBFT_VERSION}"; return 1; }
  context="$(mktemp -d)"
  cp "${binary}" "${context}/cometbft"
  # the official image: cometbft on PATH, curl for healthchecks, CMTHOME=/cometbft, cometbft entrypoint
  cat >"${context}/Dockerfile" <<EOF
FROM ${PYTHON_IMAGE}
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends curl jq \\
    && rm -rf /var/lib/apt/lists/*
COPY cometbft /usr/bin/cometbft
ENV CMTHOME=/cometbft
WORKDIR /cometbft
EXPOSE 26656 26657 26660
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/cometbft"]
CMD ["node"]
EOF
  log "building ${COMETBFT_IMAGE} from ${binary}"
  nice -n 19 docker build --network host -q -t "${COMETBFT_IMAGE}" "${context}" >/dev/null
  rm -rf "${context}"
  docker run --rm "${COMETBFT_IMAGE}" version
}

build_python
build_cometbft
