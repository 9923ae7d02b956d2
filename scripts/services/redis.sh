# shellcheck shell=bash
# Sourced by scripts/services.sh: our own Redis instance (not Debian's system service) on 127.0.0.1.

REDIS_PID="$RUN_DIR/redis.pid"
REDIS_LOG="$RUN_DIR/redis.log"

redis_ping() {
  [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]
}

redis_start() {
  if pid_alive "$REDIS_PID" redis-server && redis_ping; then
    say "redis already running (pid $(cat "$REDIS_PID"))"
    return
  fi
  if port_open "$REDIS_PORT"; then
    redis_ping || die "port $REDIS_PORT is taken by something that is not Redis"
    say "redis: reusing a Redis already listening on $REDIS_PORT (not started by this script)"
    return
  fi
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server
  mkdir -p "$RUN_DIR/redis"
  # No persistence: this is a dev/test cache, and Hearth treats Redis as losable.
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes \
    --pidfile "$REDIS_PID" --logfile "$REDIS_LOG" --dir "$RUN_DIR/redis" \
    --save "" --appendonly no ||
    die "redis-server failed to start; log: $REDIS_LOG"
  say "redis starting"
}

redis_wait() {
  wait_healthy redis 20 "$REDIS_LOG" - "" redis_ping
}

redis_stop() {
  stop_pid redis "$REDIS_PID" 10 redis-server
}

redis_status() {
  if redis_ping; then echo "redis     up    127.0.0.1:$REDIS_PORT"; else echo "redis     down"; return 1; fi
}
