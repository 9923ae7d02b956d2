#!/usr/bin/env bash
# Builds the stand-in for the Dockerfile's `FROM node:24-slim` where no registry serves images: Debian
# bookworm (debootstrap, minbase) with the Node 24 binary of npm's `node@24` package (the one
# scripts/node.sh installs), npm from npm's `npm` package, and a `node` user (uid/gid 1000), as in the
# official image. Tagged `docker.io/library/node:24-slim`, so the Dockerfile builds unchanged.
#
# What differs from the official image: no docker-entrypoint.sh and no yarn/corepack; the host's CA
# bundle is copied in and trusted by Node and npm (NODE_EXTRA_CA_CERTS, npm cafile), because registry
# traffic here goes through a proxy with its own CA; the Node patch version is whatever node@24 resolves.
#
# Cached: the root filesystem tarball in ~/.cache/hearth/containers (keyed by Node and npm versions and
# this script), and the image itself in podman's storage (labelled with the key). Prints the image name.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../node.sh
source "$here/../node.sh"
# shellcheck source=podman.sh
source "$here/podman.sh"

image="docker.io/library/node:24-slim"
npm_spec="${HEARTH_BASE_NPM:-npm@11}"
cache="${HEARTH_CACHE:-$HOME/.cache/hearth}/containers"
mkdir -p "$cache"

node_bin="$(node -p process.execPath)"
node_version="$(node -p process.versions.node)"
npm_version="$(npm view "$npm_spec" version 2>/dev/null | tail -n 1 | sed -E "s/.*'([^']+)'.*/\1/")"
[ -n "$npm_version" ] || { echo "base-node: cannot resolve $npm_spec on the npm registry" >&2; exit 1; }
key="node-${node_version}-npm-${npm_version}-$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-12)"

if [ "$(hearth_podman image inspect --format '{{index .Labels "hearth.base"}}' "$image" 2>/dev/null)" = "$key" ]; then
  echo "$image"
  exit 0
fi

tarball="$cache/$key.tar"
if [ ! -f "$tarball" ]; then
  work="$(mktemp -d "$cache/build.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  root="$work/rootfs"
  started=$SECONDS
  echo "base-node: debootstrap bookworm (minbase) into $root" >&2
  debootstrap --variant=minbase bookworm "$root" "${HEARTH_DEBIAN_MIRROR:-http://deb.debian.org/debian}" \
    >"$work/debootstrap.log" 2>&1 || {
    tail -n 20 "$work/debootstrap.log" >&2
    echo "base-node: debootstrap failed (log above)" >&2
    exit 1
  }
  echo "base-node: debootstrap took $((SECONDS - started)) s" >&2
  install -m 0755 "$node_bin" "$root/usr/local/bin/node"
  (cd "$work" && npm pack --silent "npm@$npm_version" >/dev/null)
  mkdir -p "$root/usr/local/lib/node_modules/npm"
  tar -xzf "$work/npm-$npm_version.tgz" -C "$root/usr/local/lib/node_modules/npm" --strip-components=1
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
  chroot "$root" groupadd --gid 1000 node
  chroot "$root" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  mkdir -p "$root/etc/ssl/certs" "$root/usr/local/etc"
  cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
  printf 'cafile=/etc/ssl/certs/ca-certificates.crt\n' >"$root/usr/local/etc/npmrc"
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* \
    "$root"/usr/share/man/* "$root"/usr/share/locale/*
  chroot "$root" /usr/local/bin/node -e 'process.exit(0)'
  tar --numeric-owner -C "$root" -cf "$tarball.part" .
  find "$cache" -maxdepth 1 -name 'node-*.tar' ! -name "$key.tar" -delete
  mv "$tarball.part" "$tarball"
  echo "base-node: root filesystem ready in $((SECONDS - started)) s ($tarball)" >&2
fi

hearth_podman import --quiet \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
  --change "ENV NODE_VERSION=$node_version" \
  --change "LABEL hearth.base=$key" \
  --change 'CMD ["node"]' \
  "$tarball" "$image" >/dev/null
echo "$image"
