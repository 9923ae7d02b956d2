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
# Dev mode: the host listens on 127.0.0.1, serves the dev UI at /_hearth/, and signs the tasks API's
# tokens with a generated local key when HEARTH_JWT_SECRET is not set (HEARTH_DEV=false turns it off).
export HEARTH_DEV="${HEARTH_DEV:-true}"
exec node shared/cli/hearth.ts dev "$@"
