#!/usr/bin/env bash
# Make sure a Go-built tool is available; install the pinned version with `go install` when it is not.
# Usage: go_tool.sh NAME MODULE VERSION ENV_VAR
# Looks in $ENV_VAR (an explicit path), then PATH, then $(go env GOPATH)/bin and ~/go/bin.
# Prints the binary's path on stdout; progress and errors go to stderr.
set -euo pipefail

name="$1" module="$2" version="$3" env_var="$4"

gobin_dir() {
  if command -v go >/dev/null 2>&1; then
    local gobin
    gobin="$(go env GOBIN)"
    if [ -n "$gobin" ]; then echo "$gobin"; else echo "$(go env GOPATH | cut -d: -f1)/bin"; fi
  else
    echo "$HOME/go/bin"
  fi
}

find_tool() {
  local explicit="${!env_var:-}"
  if [ -n "$explicit" ]; then
    if [ -x "$explicit" ]; then echo "$explicit"; return 0; fi
    echo "error: \$${env_var}=${explicit} is not an executable file" >&2
    return 2
  fi
  if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return 0; fi
  local candidate
  for candidate in "$(gobin_dir)/$name" "$HOME/go/bin/$name"; do
    if [ -x "$candidate" ]; then echo "$candidate"; return 0; fi
  done
  return 1
}

status=0
path="$(find_tool)" || status=$?
if [ "$status" -eq 2 ]; then
  exit 1
fi
if [ "$status" -eq 0 ]; then
  echo "$path"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "error: $name not found and Go is not installed; install Go, then run:" >&2
  echo "  go install ${module}@${version}" >&2
  exit 1
fi
echo "installing $name ${version} with go install (the first build takes a few minutes) ..." >&2
go install "${module}@${version}" >&2
path="$(gobin_dir)/$name"
if [ ! -x "$path" ]; then
  echo "error: go install finished but $path is missing" >&2
  exit 1
fi
echo "$path"
