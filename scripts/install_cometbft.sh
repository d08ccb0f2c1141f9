#!/usr/bin/env bash
# Make sure a cometbft v0.38 binary is available; install it with `go install` when it is not.
# Looks in $COMETBFT, then PATH, then $(go env GOPATH)/bin and ~/go/bin. Prints the binary's path.
set -euo pipefail

COMETBFT_VERSION="${COMETBFT_VERSION:-v0.38.25}"
MODULE="github.com/cometbft/cometbft/cmd/cometbft"

gobin_dir() {
  if command -v go >/dev/null 2>&1; then
    local gobin
    gobin="$(go env GOBIN)"
    if [ -n "$gobin" ]; then echo "$gobin"; else echo "$(go env GOPATH | cut -d: -f1)/bin"; fi
  else
    echo "$HOME/go/bin"
  fi
}

find_cometbft() {
  if [ -n "${COMETBFT:-}" ]; then
    if [ -x "$COMETBFT" ]; then echo "$COMETBFT"; return 0; fi
    echo "error: \$COMETBFT=$COMETBFT is not an executable file" >&2
    return 2
  fi
  if command -v cometbft >/dev/null 2>&1; then command -v cometbft; return 0; fi
  local candidate
  for candidate in "$(gobin_dir)/cometbft" "$HOME/go/bin/cometbft"; do
    if [ -x "$candidate" ]; then echo "$candidate"; return 0; fi
  done
  return 1
}

check_version() {
  local version
  version="$("$1" version 2>/dev/null | head -n1 || true)"
  case "$version" in
    0.38.*|v0.38.*) ;;
    *) echo "warning: $1 reports version '${version}', sprintd needs v0.38.x" >&2 ;;
  esac
}

status=0
path="$(find_cometbft)" || status=$?
if [ "$status" -eq 2 ]; then
  exit 1
fi
if [ "$status" -eq 0 ]; then
  check_version "$path"
  echo "$path"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "error: cometbft not found and Go is not installed; install Go, then run:" >&2
  echo "  go install ${MODULE}@${COMETBFT_VERSION}" >&2
  exit 1
fi
echo "installing cometbft ${COMETBFT_VERSION} with go install (first build takes a few minutes) ..." >&2
go install "${MODULE}@${COMETBFT_VERSION}" >&2
path="$(gobin_dir)/cometbft"
if [ ! -x "$path" ]; then
  echo "error: go install finished but $path is missing" >&2
  exit 1
fi
check_version "$path"
echo "$path"
