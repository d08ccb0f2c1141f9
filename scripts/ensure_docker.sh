#!/usr/bin/env bash
# Make sure a Docker engine answers and `docker compose` (v2 plugin) exists; used by .ci/run before
# the tests so that tests/e2e/test_docker_compose.py can run.
#
#   scripts/ensure_docker.sh [--engine-only | --compose-only]
#                                       # idempotent; returns in well under a second when docker runs
#
# Missing pieces are installed: the engine from Debian (`apt-get install docker.io`, needs root),
# dockerd is started in the background (overlay2; log in $DOCKERD_LOG), and the compose plugin is
# built from its Go module into ~/.docker/cli-plugins/docker-compose when `docker compose` is absent.
# Exit status 0 only when `docker info` and `docker compose version` both work.
set -euo pipefail

COMPOSE_VERSION="${COMPOSE_VERSION:-v2.40.3}"
DOCKERD_LOG="${DOCKERD_LOG:-/var/log/sprint-dockerd.log}"
PLUGIN_DIR="${HOME}/.docker/cli-plugins"

log() { echo "ensure_docker: $*" >&2; }

docker_answers() { command -v docker >/dev/null 2>&1 && timeout 10 docker info >/dev/null 2>&1; }

install_engine() {
  if command -v dockerd >/dev/null 2>&1 && command -v docker >/dev/null 2>&1; then return 0; fi
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    log "dockerd is not installed and cannot be installed here (needs root and apt-get)"; return 1
  fi
  log "installing docker.io from Debian"
  timeout 600 apt-get update -qq
  DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq docker.io >/dev/null
}

start_engine() {
  if [ "$(id -u)" != 0 ]; then log "docker does not answer and starting dockerd needs root"; return 1; fi
  log "starting dockerd (overlay2), log in ${DOCKERD_LOG}"
  # setsid: the daemon outlives this script and the CI step; it is not a child of the test run
  setsid nohup dockerd --storage-driver=overlay2 >"${DOCKERD_LOG}" 2>&1 </dev/null &
  for _ in $(seq 1 60); do
    if docker_answers; then return 0; fi
    sleep 1
  done
  log "dockerd did not answer within 60 s; see ${DOCKERD_LOG}"; tail -n 20 "${DOCKERD_LOG}" >&2 || true
  return 1
}

compose_missing() { ! docker compose version >/dev/null 2>&1; }

build_compose_plugin() {
  if ! command -v go >/dev/null 2>&1; then log "docker compose is missing and go is not installed"; return 1; fi
  log "building docker compose ${COMPOSE_VERSION} from github.com/docker/compose/v2 (a few minutes)"
  local module src
  # `go install pkg@version` refuses modules with replace directives, so build in a module copy
  module="$(timeout 600 go mod download -json "github.com/docker/compose/v2@${COMPOSE_VERSION}" \
            | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
  src="$(mktemp -d)"
  cp -r "${module}/." "${src}" && chmod -R u+w "${src}"
  mkdir -p "${PLUGIN_DIR}"
  (cd "${src}" && nice -n 19 timeout 2400 go build -trimpath \
      -ldflags "-s -w -X github.com/docker/compose/v2/internal.Version=${COMPOSE_VERSION}" \
      -o "${PLUGIN_DIR}/docker-compose" ./cmd)
  rm -rf "${src}"
}

WANT_ENGINE=1 WANT_COMPOSE=1
case "${1:-}" in
  --engine-only) WANT_COMPOSE=0 ;;
  --compose-only) WANT_ENGINE=0 ;;
  "") ;;
  *) log "usage: $0 [--engine-only | --compose-only]"; exit 2 ;;
esac

# the plugin compiles (CPU) while the engine installs (network, dpkg) and starts
compose_pid=""
if [ "${WANT_COMPOSE}" = 1 ] && compose_missing; then
  build_compose_plugin &
  compose_pid=$!
fi
if [ "${WANT_ENGINE}" = 1 ] && ! docker_answers; then
  install_engine
  start_engine
fi
if [ -n "${compose_pid}" ]; then wait "${compose_pid}"; fi
if [ "${WANT_COMPOSE}" = 1 ] && compose_missing; then log "docker compose is still missing"; exit 1; fi
if [ "${WANT_ENGINE}" = 0 ]; then log "$(docker compose version --short 2>/dev/null || true)"; exit 0; fi
log "$(docker version --format 'engine {{.Server.Version}}') / $(docker compose version --short 2>/dev/null || true)"
