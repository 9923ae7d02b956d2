# shellcheck shell=bash disable=SC2034  # variables here are used by the files that source this one
# Sourced by scripts/services.sh: paths, ports and small helpers shared by every service file.

HEARTH_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HEARTH_CACHE="${HEARTH_CACHE:-$HOME/.cache/hearth}"
RUN_DIR="$HEARTH_CACHE/run"

# Overridable to run a second, throw-away stack beside the usual one (HEARTH_CACHE too).
REDIS_PORT="${HEARTH_REDIS_PORT:-6379}"
PG_PORT="${HEARTH_PG_PORT:-5432}"
KAFKA_PORT="${HEARTH_KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${HEARTH_KAFKA_CONTROLLER_PORT:-9093}"
UPSTASH_PORT="${HEARTH_UPSTASH_PORT:-8079}"
# Each local stack gets its own random REST token (no well-known default), kept beside the run files;
# `scripts/services.sh env` hands it to clients as UPSTASH_REDIS_REST_TOKEN.
UPSTASH_TOKEN_FILE="$RUN_DIR/upstash-token"
if [ ! -s "$UPSTASH_TOKEN_FILE" ]; then
  mkdir -p "$RUN_DIR"
  (umask 077 && od -An -N24 -tx1 /dev/urandom | tr -d ' \n' >"$UPSTASH_TOKEN_FILE")
fi
UPSTASH_TOKEN="$(cat "$UPSTASH_TOKEN_FILE")"

# A bare shell (env -i, some CI runners) may lack the admin folders: runuser, apt-get's helpers and
# PostgreSQL's tools live there.
case ":$PATH:" in
  *:/usr/sbin:*) ;;
  *) PATH="$PATH:/usr/sbin:/sbin" ;;
esac

say() { printf '[services] %s\n' "$*" >&2; }

die() {
  printf '[services] ERROR: %s\n' "$*" >&2
  exit 1
}

# True when process $1 runs. A zombie does not count: our daemons are reparented to PID 1, which may
# reap late (in containers), and kill -0 succeeds on a zombie.
proc_alive() {
  local state
  state="$(ps -o stat= -p "$1" 2>/dev/null)" || return 1
  [ -n "$state" ] && [ "${state:0:1}" != Z ]
}

# pid_alive PIDFILE [PATTERN]: true when the process in PIDFILE runs and, given PATTERN, its command
# line contains it. Pid files outlive the processes (a session's processes are killed when it ends),
# and a recycled pid must not pass for our service.
pid_alive() {
  local pid
  [ -f "$1" ] || return 1
  pid="$(cat "$1" 2>/dev/null)"
  [ -n "$pid" ] && proc_alive "$pid" || return 1
  [ -z "${2:-}" ] || tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$2"
}

# True when something accepts TCP connections on 127.0.0.1:$1.
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# wait_healthy NAME TIMEOUT_S LOGFILE PIDFILE|- PATTERN CMD...: polls CMD until it succeeds. Fails at
# once if the process in PIDFILE dies, else on timeout; either way names the service and its log, and
# shows the log's tail so CI output alone explains the failure.
wait_healthy() {
  local name="$1" timeout="$2" log="$3" pidfile="$4" pattern="$5" start why
  shift 5
  start=$SECONDS
  until "$@" >/dev/null 2>&1; do
    why=""
    if [ "$pidfile" != - ] && ! pid_alive "$pidfile" "$pattern"; then
      why="exited during start-up"
    elif ((SECONDS - start >= timeout)); then
      why="did not become healthy within ${timeout}s"
    fi
    if [ -n "$why" ]; then
      printf '[services] ERROR: %s %s; log: %s\n' "$name" "$why" "$log" >&2
      if [ -f "$log" ]; then
        printf -- '----- last lines of %s -----\n' "$log" >&2
        tail -n 40 "$log" >&2
        printf -- '-----\n' >&2
      fi
      exit 1
    fi
    sleep 0.3
  done
}

# stop_pid NAME PIDFILE GRACE_S PATTERN: SIGTERM, wait, then SIGKILL; removes the pid file.
stop_pid() {
  local name="$1" file="$2" grace="$3" pattern="$4" pid i
  if pid_alive "$file" "$pattern"; then
    pid="$(cat "$file")"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < grace * 10; i++)); do
      proc_alive "$pid" || break
      sleep 0.1
    done
    if proc_alive "$pid"; then
      say "$name did not stop within ${grace}s; killing pid $pid"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    say "$name stopped"
  fi
  rm -f "$file"
}

APT_UPDATED=0

# apt_install PKG...: installs Debian packages without letting them start their system services
# (those would take our ports; we run our own instances).
apt_install() {
  local made_policy=0
  [ "$(id -u)" = 0 ] || die "installing $* needs root (apt-get)"
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    made_policy=1
  fi
  say "installing $* (apt-get)"
  if [ "$APT_UPDATED" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || die "apt-get update failed"
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2 ||
    die "apt-get install $* failed"
  if [ "$made_policy" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
}
