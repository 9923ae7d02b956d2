#!/usr/bin/env bash
# Local services for Hearth without Docker: Kafka, PostgreSQL, Redis and the Upstash REST emulator,
# run natively as our own instances with state, pid files and logs under ~/.cache/hearth.
#
#   scripts/services.sh up       start what is not running (installs what is missing) and wait for health
#   scripts/services.sh down     stop everything this script started
#   scripts/services.sh status   one line per service; exits 1 if any is down
#   scripts/services.sh env      export lines for the app and tests: eval "$(scripts/services.sh env)"
#   scripts/services.sh stop|start postgres|redis|kafka|upstash   one service (outage tests)
#
# HEARTH_CACHE and HEARTH_{REDIS,PG,KAFKA,KAFKA_CONTROLLER,UPSTASH}_PORT move a second stack elsewhere.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=services/common.sh
source "$here/services/common.sh"
# shellcheck source=services/redis.sh
source "$here/services/redis.sh"
# shellcheck source=services/postgres.sh
source "$here/services/postgres.sh"
# shellcheck source=services/kafka.sh
source "$here/services/kafka.sh"
# shellcheck source=services/upstash.sh
source "$here/services/upstash.sh"

cmd_up() {
  local start=$SECONDS
  mkdir -p "$RUN_DIR"
  # Kafka's JVM is the slowest to boot: launch it first, then bring the others up while it starts.
  kafka_start
  redis_start
  pg_start
  redis_wait
  pg_wait
  upstash_start
  kafka_wait
  upstash_wait
  say "all services up in $((SECONDS - start))s (logs: $RUN_DIR)"
}

cmd_down() {
  upstash_stop
  kafka_stop
  pg_stop
  redis_stop
}

cmd_status() {
  local rc=0
  kafka_status || rc=1
  pg_status || rc=1
  redis_status || rc=1
  upstash_status || rc=1
  return "$rc"
}

cmd_env() {
  # The project's Node 24 (scripts/node.sh) first on PATH, so `node shared/cli/hearth.ts` works in a
  # shell whose system Node is older.
  local node_bin="${HEARTH_CACHE:-$HOME/.cache/hearth}/node24/node_modules/.bin"
  if [ -x "$node_bin/node" ]; then
    case ":$PATH:" in
      *":$node_bin:"*) ;;
      *) printf 'export PATH=%s:"$PATH"\n' "$node_bin" ;;
    esac
  fi
  cat <<EOT
export KAFKA_BROKERS=localhost:$KAFKA_PORT
export DATABASE_URL=postgres://hearth:hearth@localhost:$PG_PORT/hearth
export REDIS_URL=redis://localhost:$REDIS_PORT
export UPSTASH_REDIS_REST_URL=http://localhost:$UPSTASH_PORT
export UPSTASH_REDIS_REST_TOKEN=$UPSTASH_TOKEN
EOT
}

# Restarts one service in place (tests use it to prove nothing is lost across a database restart).
cmd_restart() {
  case "${1:-}" in
    postgres)
      pg_find_bin
      as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 restart -l "$PG_LOG" >/dev/null ||
        die "postgres failed to restart; log: $PG_LOG"
      head -n 1 "$PG_DATA/postmaster.pid" >"$PG_PID"
      ;;
    *) die "restart: unknown service '${1:-}' (supported: postgres)" ;;
  esac
}

# Stops or starts one service (outage tests stop a dependency for a while, then bring it back).
cmd_one() {
  local action=$1 service=${2:-}
  case "$service" in
    postgres | redis | kafka | upstash) ;;
    *) die "$action: unknown service '$service' (supported: postgres, redis, kafka, upstash)" ;;
  esac
  local prefix=$service
  [ "$service" = postgres ] && prefix=pg
  if [ "$action" = stop ]; then
    "${prefix}_stop"
  else
    mkdir -p "$RUN_DIR"
    "${prefix}_start"
    "${prefix}_wait"
  fi
}

case "${1:-}" in
  up) cmd_up ;;
  restart) cmd_restart "${2:-}" ;;
  stop | start) cmd_one "$1" "${2:-}" ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) cmd_env ;;
  *)
    printf 'usage: %s up|down|status|env|restart postgres|stop SERVICE|start SERVICE\n' "$0" >&2
    exit 2
    ;;
esac
