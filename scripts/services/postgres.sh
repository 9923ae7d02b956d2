# shellcheck shell=bash
# Sourced by scripts/services.sh: our own PostgreSQL cluster (stand-in for CockroachDB) on 127.0.0.1.
# initdb and postgres refuse to run as root, so the cluster belongs to the `postgres` OS user.

PG_DATA="$HEARTH_CACHE/pg"
PG_PID="$RUN_DIR/postgres.pid"
PG_LOG="$RUN_DIR/postgres.log"
PG_BIN=""

# The newest Debian PostgreSQL installed, e.g. /usr/lib/postgresql/15/bin; empty when none.
pg_latest_bin() {
  find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/postgres' -printf '%h\n' 2>/dev/null |
    sort -V | tail -n 1
}

pg_find_bin() {
  local found
  found="$(pg_latest_bin)"
  if [ -z "$found" ]; then
    apt_install postgresql
    found="$(pg_latest_bin)"
  fi
  [ -x "$found/postgres" ] || die "postgresql installed but no /usr/lib/postgresql/*/bin/postgres found"
  PG_BIN="$found"
}

as_postgres() {
  (cd / && runuser -u postgres -- "$@")
}

# The postgres user must traverse $HOME/.cache/hearth to reach its data dir; give search (x) only.
pg_fix_traversal() {
  local dir="$PG_DATA"
  while dir="$(dirname "$dir")" && [ "$dir" != "/" ]; do
    as_postgres test -x "$dir" || chmod o+x "$dir"
  done
}

pg_ready() {
  PGPASSWORD=hearth "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U hearth -d hearth -tAc 'select 1' 2>/dev/null | grep -qx 1
}

pg_init() {
  id postgres >/dev/null 2>&1 || die "OS user postgres is missing (the postgresql package creates it)"
  mkdir -p "$PG_DATA" "$RUN_DIR"
  chown postgres:postgres "$PG_DATA"
  chmod 700 "$PG_DATA"
  pg_fix_traversal
  if [ ! -f "$PG_DATA/PG_VERSION" ]; then
    say "postgres: initdb $PG_DATA"
    as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --no-locale -E UTF8 --no-sync \
      --auth-local=trust --auth-host=scram-sha-256 >"$RUN_DIR/initdb.log" 2>&1 ||
      die "initdb failed; log: $RUN_DIR/initdb.log"
    echo "include 'hearth.conf'" >>"$PG_DATA/postgresql.conf"
  fi
  # Rewritten on every start so edits here take effect. Durability is off: a dev/test instance.
  cat >"$PG_DATA/hearth.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_DATA'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  chown postgres:postgres "$PG_DATA/hearth.conf"
  touch "$PG_LOG"
  chown postgres:postgres "$PG_LOG"
}

# Role and database are created once; the checks make it safe to run on every `up`.
pg_provision() {
  local psql=("$PG_BIN/psql" -h "$PG_DATA" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -tAq)
  if [ "$(as_postgres "${psql[@]}" -c "select 1 from pg_roles where rolname = 'hearth'")" != 1 ]; then
    as_postgres "${psql[@]}" -c "create role hearth login createdb password 'hearth'" >&2 ||
      die "postgres: could not create role hearth; log: $PG_LOG"
  fi
  # CREATEROLE: sql_query runs model-written SQL as a read-only role the runtime creates and grants.
  as_postgres "${psql[@]}" -c "alter role hearth createrole" >&2 ||
    die "postgres: could not grant hearth CREATEROLE; log: $PG_LOG"
  if [ "$(as_postgres "${psql[@]}" -c "select 1 from pg_database where datname = 'hearth'")" != 1 ]; then
    as_postgres "${psql[@]}" -c "create database hearth owner hearth" >&2 ||
      die "postgres: could not create database hearth; log: $PG_LOG"
  fi
}

# After a hard kill (a session's processes are killed when it ends) postmaster.pid stays behind, and a
# recycled pid in it would make pg_ctl believe the server still runs.
# The socket's lock file has the same problem.
pg_clear_stale_lock() {
  local lock pid
  for lock in "$PG_DATA/postmaster.pid" "$PG_DATA"/.s.PGSQL.*.lock; do
    [ -f "$lock" ] || continue
    pid="$(head -n 1 "$lock")"
    if ! proc_alive "$pid" || ! tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q postgres; then
      rm -f "$lock"
    fi
  done
}

pg_start() {
  pg_find_bin
  pg_clear_stale_lock
  if pid_alive "$PG_PID" postgres && pg_ready; then
    say "postgres already running (pid $(cat "$PG_PID"))"
    return
  fi
  if port_open "$PG_PORT" && ! as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    pg_ready || die "port $PG_PORT is taken by something that is not our PostgreSQL (db hearth, user hearth)"
    say "postgres: reusing a PostgreSQL already listening on $PG_PORT (not started by this script)"
    return
  fi
  pg_init
  if ! as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    say "postgres starting"
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 start >/dev/null ||
      die "postgres failed to start; log: $PG_LOG"
  fi
  head -n 1 "$PG_DATA/postmaster.pid" >"$PG_PID"
  pg_provision
}

pg_wait() {
  wait_healthy postgres 60 "$PG_LOG" - "" pg_ready
}

pg_stop() {
  if [ -f "$PG_DATA/postmaster.pid" ]; then
    pg_find_bin
    if as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 30 stop >/dev/null 2>&1; then
      say "postgres stopped"
      rm -f "$PG_PID"
    fi
  fi
  stop_pid postgres "$PG_PID" 10 postgres
}

pg_status() {
  local bin
  bin="$(pg_latest_bin)"
  if [ -n "$bin" ] && PG_BIN="$bin" pg_ready; then
    echo "postgres  up    127.0.0.1:$PG_PORT (db hearth)"
  else
    echo "postgres  down"
    return 1
  fi
}
