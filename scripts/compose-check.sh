#!/usr/bin/env bash
# Validates a compose file offline with compose-go, the loader Docker Compose itself uses (schema,
# unknown keys, depends_on targets, interpolation). Prints the normalized project as JSON.
#
#   bash scripts/compose-check.sh [docker-compose.yml]
#
# The checker is a small Go program in scripts/compose-check/, built on first use (and whenever its
# sources change) into ~/.cache/hearth/bin, outside git.
set -euo pipefail

src="$(cd "$(dirname "${BASH_SOURCE[0]}")/compose-check" && pwd)"
bin="${HEARTH_CACHE:-$HOME/.cache/hearth}/bin/compose-check"
file="${1:-$(dirname "$src")/../docker-compose.yml}"

if [ ! -x "$bin" ] || [ -n "$(find "$src" -type f -newer "$bin" | head -n 1)" ]; then
  # Non-interactive shells (CI) may not have the toolchain's folder on PATH.
  command -v go >/dev/null 2>&1 || [ ! -x /usr/local/go/bin/go ] || PATH="/usr/local/go/bin:$PATH"
  command -v go >/dev/null 2>&1 || {
    printf 'compose-check: Go (>= 1.24) is needed to build the compose checker\n' >&2
    exit 1
  }
  mkdir -p "$(dirname "$bin")"
  # Quiet on success (stdout/stderr belong to the check); the build's output only when it fails.
  if ! out="$(cd "$src" && go build -mod=readonly -o "$bin.$$" . 2>&1)"; then
    rm -f "$bin.$$"
    printf 'compose-check: go build in %s failed:\n%s\n' "$src" "$out" >&2
    exit 1
  fi
  mv -f "$bin.$$" "$bin"
fi

exec "$bin" "$file"
