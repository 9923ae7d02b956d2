#!/usr/bin/env bash
# Builds a slim daprd (dapr's runtime + only the components Hearth uses, see components.go) into
# ~/.cache/hearth/bin/daprd-<version>, outside git, and prints its path. Idempotent: an existing
# binary built from the same sources (a content hash beside it, so a fresh checkout or a restored CI
# cache does not force a rebuild) is reused at once.
#
#   bash scripts/daprd/build.sh            # build if needed, print the path
#   HEARTH_DAPRD_BUILD_TIMEOUT=1500 bash scripts/daprd/build.sh   # bound a cold build (seconds)
#
# A cold build downloads ~1 GB of modules and compiles for several minutes on 2 cores.
set -euo pipefail

src="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
version="$(awk '$1 == "github.com/dapr/dapr" { sub(/^v/, "", $2); print $2; exit }' "$src/go.mod")"
[ -n "$version" ] || {
  printf 'daprd build: no github.com/dapr/dapr requirement in %s/go.mod\n' "$src" >&2
  exit 1
}
bin="${HEARTH_CACHE:-$HOME/.cache/hearth}/bin/daprd-$version"

stamp="$bin.sources"
hash="$(cd "$src" && cat go.mod go.sum ./*.go | sha256sum | cut -d' ' -f1)"
if [ -x "$bin" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$hash" ]; then
  printf '%s\n' "$bin"
  exit 0
fi

# Non-interactive shells (CI) may not have the toolchain's folder on PATH.
command -v go >/dev/null 2>&1 || [ ! -x /usr/local/go/bin/go ] || PATH="/usr/local/go/bin:$PATH"
command -v go >/dev/null 2>&1 || {
  printf 'daprd build: Go (>= 1.24) is needed to build daprd\n' >&2
  exit 1
}
mkdir -p "$(dirname "$bin")"
tmp="$bin.tmp.$$"
trap 'rm -f "$tmp"' EXIT
# -mod=mod: go.sum is committed, but let Go add any missing sum instead of failing.
# -p 2: the CI and dev machines have 2 cores; more parallel compiles only cost memory.
ldflags="-s -w -X github.com/dapr/dapr/pkg/buildinfo.version=$version"
cmd=(go build -mod=mod -p 2 -trimpath -ldflags "$ldflags" -o "$tmp" .)
if [ -n "${HEARTH_DAPRD_BUILD_TIMEOUT:-}" ]; then
  cmd=(timeout "$HEARTH_DAPRD_BUILD_TIMEOUT" "${cmd[@]}")
fi
# The build's output goes to stderr: stdout carries only the binary's path.
if ! (cd "$src" && "${cmd[@]}") >&2; then
  printf 'daprd build: go build in %s failed or timed out\n' "$src" >&2
  exit 1
fi
mv -f "$tmp" "$bin"
printf '%s\n' "$hash" >"$stamp"
printf '%s\n' "$bin"
