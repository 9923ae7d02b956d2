#!/usr/bin/env bash
# The one command for the local stack: services up, database migrations, then the functions host
# running the example functions (HEARTH_FUNCTIONS selects a subset; all by default).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=node.sh
source scripts/node.sh
bash scripts/services.sh up
eval "$(bash scripts/services.sh env)"
npm run --silent migrate
exec node shared/cli/hearth.ts dev "$@"
