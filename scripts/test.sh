#!/usr/bin/env bash
# The one test command: Node 24 + dependencies, local services, then format check, lint, typecheck
# and every test suite (`npm run verify`) against the real services.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=node.sh
source scripts/node.sh
bash scripts/services.sh up
eval "$(bash scripts/services.sh env)"
# daprd for the Dapr sidecar tests, built once before vitest runs files in parallel (cached in
# ~/.cache/hearth/bin; ~9 min cold on 2 cores, seconds when cached). Bounded: a hung build fails here, loudly.
HEARTH_DAPRD_BUILD_TIMEOUT=1800 bash scripts/daprd/build.sh >/dev/null
# Podman, runc and debootstrap for the container image test (Debian's packages, installed once); it
# fails here, naming what failed, when podman cannot start.
bash -c 'source scripts/containers/podman.sh'
# Chromium for the dev UI's browser test (Debian's package, installed once).
HEARTH_CHROMIUM="$(bash scripts/chromium.sh)"
export HEARTH_CHROMIUM
rm -f .hearth/vitest-results.json
status=0
npm run verify || status=$?
# One plain closing line with the counts, read by CI tooling that does not parse vitest's own summary.
if [ -f .hearth/vitest-results.json ]; then
  node -e 'const r = require("./.hearth/vitest-results.json"); console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed`)'
fi
exit "$status"
