#!/usr/bin/env bash
# Debian's Chromium for the dev UI's browser test (playwright-core drives it; a browser download by a
# test tool cannot work offline). Installed once; prints its path.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then
    echo "chromium is missing: install it with 'sudo apt-get install -y chromium'" >&2
    exit 1
  fi
  echo "[chromium] installing Debian's chromium (once)" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
command -v chromium
