#!/usr/bin/env bash
# The one test command: Node 24 + dependencies, local services, then format check, lint, typecheck
# and every test suite (`npm run verify`) against the real services.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=node.sh
source scripts/node.sh
bash scripts/services.sh up
eval "$(bash scripts/services.sh env)"
npm run verify
