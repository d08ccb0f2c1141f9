#!/usr/bin/env bash
# Make sure a grpcurl binary is available (tests/e2e/test_grpcurl.py); install the pinned version with
# `go install` when it is not. Looks in $GRPCURL, then PATH, then $(go env GOPATH)/bin and ~/go/bin.
# Prints the binary's path.
set -euo pipefail

GRPCURL_VERSION="${GRPCURL_VERSION:-v1.9.3}"
MODULE="github.com/fullstorydev/grpcurl/cmd/grpcurl"

gobin_dir() {
  if command -v go >/dev/null 2>&1; then
    local gobin
    gobin="$(go env GOBIN)"
    if [ -n "$gobin" ]; then echo "$gobin"; else echo "$(go env GOPATH | cut -d: -f1)/bin"; fi
  else
    echo "$HOME/go/bin"
  fi
}

find_grpcurl() {
  if [ -n "${GRPCURL:-}" ]; then
    if [ -x "$GRPCURL" ]; then echo "$GRPCURL"; return 0; fi
    echo "error: \$GRPCURL=$GRPCURL is not an executable file" >&2
    return 2
  fi
  if command -v grpcurl >/dev/null 2>&1; then command -v grpcurl; return 0; fi
  local candidate
  for candidate in "$(gobin_dir)/grpcurl" "$HOME/go/bin/grpcurl"; do
    if [ -x "$candidate" ]; then echo "$candidate"; return 0; fi
  done
  return 1
}

status=0
path="$(find_grpcurl)" || status=$?
if [ "$status" -eq 2 ]; then
  exit 1
fi
if [ "$status" -eq 0 ]; then
  echo "$path"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "error: grpcurl not found and Go is not installed; install Go, then run:" >&2
  echo "  go install ${MODULE}@${GRPCURL_VERSION}" >&2
  exit 1
fi
echo "installing grpcurl ${GRPCURL_VERSION} with go install ..." >&2
go install "${MODULE}@${GRPCURL_VERSION}" >&2
path="$(gobin_dir)/grpcurl"
if [ ! -x "$path" ]; then
  echo "error: go install finished but $path is missing" >&2
  exit 1
fi
echo "$path"
