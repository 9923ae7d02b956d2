# shellcheck shell=bash
# Sourced by scripts/services.sh: the project's Upstash-compatible REST server (in front of our Redis),
# so @upstash/redis talks to the local stack exactly as it talks to Upstash.

UPSTASH_MAIN="$HEARTH_REPO/shared/emulator/upstash-rest/main.ts"
UPSTASH_PID="$RUN_DIR/upstash-rest.pid"
UPSTASH_LOG="$RUN_DIR/upstash-rest.log"

upstash_ping() {
  curl -fsS -m 2 -X POST -H "Authorization: Bearer $UPSTASH_TOKEN" \
    -H 'Content-Type: application/json' -d '["PING"]' \
    "http://127.0.0.1:$UPSTASH_PORT/" 2>/dev/null | grep -q PONG
}

# Restart when the emulator's sources changed since it started, so `up` picks up edits.
upstash_stale() {
  [ -n "$(find "$(dirname "$UPSTASH_MAIN")" -name '*.ts' -newer "$UPSTASH_PID" 2>/dev/null | head -n 1)" ]
}

upstash_start() {
  if [ ! -f "$UPSTASH_MAIN" ]; then
    say "WARNING: $UPSTASH_MAIN does not exist; skipping the Upstash REST emulator"
    return
  fi
  if pid_alive "$UPSTASH_PID" "$UPSTASH_MAIN"; then
    if ! upstash_stale && upstash_ping; then
      say "upstash-rest already running (pid $(cat "$UPSTASH_PID"))"
      return
    fi
    say "upstash-rest sources or token changed; restarting"
    stop_pid upstash-rest "$UPSTASH_PID" 5 "$UPSTASH_MAIN"
  fi
  if port_open "$UPSTASH_PORT"; then
    upstash_ping || die "port $UPSTASH_PORT is taken by something that is not the Upstash REST emulator"
    say "upstash-rest: reusing a server already listening on $UPSTASH_PORT (not started by this script)"
    return
  fi
  command -v curl >/dev/null 2>&1 || apt_install curl
  # The emulator is TypeScript run by Node's type stripping: it needs Node 24 and node_modules.
  # shellcheck source=../node.sh
  source "$HEARTH_REPO/scripts/node.sh"
  say "upstash-rest starting"
  (cd "$HEARTH_REPO" && REDIS_URL="redis://127.0.0.1:$REDIS_PORT" UPSTASH_REDIS_REST_TOKEN="$UPSTASH_TOKEN" \
    PORT="$UPSTASH_PORT" exec setsid node "$UPSTASH_MAIN") >"$UPSTASH_LOG" 2>&1 </dev/null &
  echo $! >"$UPSTASH_PID"
}

upstash_wait() {
  [ -f "$UPSTASH_MAIN" ] || return 0
  if ! pid_alive "$UPSTASH_PID" "$UPSTASH_MAIN" && port_open "$UPSTASH_PORT"; then return; fi
  wait_healthy upstash-rest 30 "$UPSTASH_LOG" "$UPSTASH_PID" "$UPSTASH_MAIN" upstash_ping
}

upstash_stop() {
  stop_pid upstash-rest "$UPSTASH_PID" 5 "$UPSTASH_MAIN"
}

upstash_status() {
  if upstash_ping; then
    echo "upstash   up    http://localhost:$UPSTASH_PORT"
  else
    echo "upstash   down"
    return 1
  fi
}
