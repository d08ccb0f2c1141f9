#!/usr/bin/env bash
# Make sure a cometbft v0.38 binary is available; install it with `go install` when it is not.
# Looks in $COMETBFT, then PATH, then $(go env GOPATH)/bin and ~/go/bin. Prints the binary's path.
set -euo pipefail

COMETBFT_VERSION="${COMETBFT_VERSION:-v0.38.25}"
path="$("$(dirname "$0")/go_tool.sh" cometbft github.com/cometbft/cometbft/cmd/cometbft "${COMETBFT_VERSION}" COMETBFT)"
version="$("$path" version 2>/dev/null | head -n1 || true)"
case "$version" in
  0.38.*|v0.38.*) ;;
  *) echo "warning: $path reports version '${version}', sprintd needs v0.38.x" >&2 ;;
esac
echo "$path"
