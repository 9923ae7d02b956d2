# shellcheck shell=bash
# Sourced, not run: `source scripts/node.sh`
#
# Makes Node 24 the `node` on PATH and the repo's node_modules current. The machine may only have an
# older system Node (the project runs TypeScript by Node's type stripping, so it needs >= 22.18);
# Node 24 comes from the npm registry's `node` package into a cache outside the repo.
# Idempotent and silent when there is nothing to do.

hearth_node_setup() {
  local repo cache prefix bin
  repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  cache="${HEARTH_CACHE:-$HOME/.cache/hearth}"
  prefix="$cache/node24"
  bin="$prefix/node_modules/.bin"

  # npm trusts only Node's built-in CAs; behind a proxy with its own CA (in the system bundle), a bare
  # shell (env -i, CI) would fail with SELF_SIGNED_CERT_IN_CHAIN. The system bundle adds to them.
  if [ -z "${NODE_EXTRA_CA_CERTS:-}" ] && [ -r /etc/ssl/certs/ca-certificates.crt ]; then
    export NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
  fi

  if ! "$bin/node" --version 2>/dev/null | grep -q '^v24\.'; then
    if ! command -v npm >/dev/null 2>&1; then
      printf 'node.sh: npm is needed to install Node 24 (apt-get install -y npm)\n' >&2
      return 1
    fi
    printf 'node.sh: installing Node 24 into %s\n' "$prefix" >&2
    mkdir -p "$prefix"
    npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$prefix" node@24 >&2 || return 1
    "$bin/node" --version >/dev/null || {
      printf 'node.sh: Node 24 install in %s did not produce a working node\n' "$prefix" >&2
      return 1
    }
  fi

  case ":$PATH:" in
    "$bin":*) ;;
    *) export PATH="$bin:$PATH" ;;
  esac

  # npm ci writes node_modules/.package-lock.json; older than the lock file means deps changed.
  if [ ! -f "$repo/node_modules/.package-lock.json" ] ||
    [ "$repo/package-lock.json" -nt "$repo/node_modules/.package-lock.json" ]; then
    printf 'node.sh: installing dependencies (npm ci)\n' >&2
    (cd "$repo" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error >&2) || return 1
  fi
}

hearth_node_setup
