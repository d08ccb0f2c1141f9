#!/usr/bin/env bash
# Make sure a grpcurl binary is available (tests/e2e/test_grpcurl.py); install the pinned version with
# `go install` when it is not. Looks in $GRPCURL, then PATH, then $(go env GOPATH)/bin and ~/go/bin.
# Prints the binary's path.
set -euo pipefail

GRPCURL_VERSION="${GRPCURL_VERSION:-v1.9.3}"
exec "$(dirname "$0")/go_tool.sh" grpcurl github.com/fullstorydev/grpcurl/cmd/grpcurl "${GRPCURL_VERSION}" GRPCURL
