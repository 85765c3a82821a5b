#!/usr/bin/env bash
# The local MLflow tracking server for drelu: install | start | stop | status | uri
#
# Environment:
#   DRELU_HOME         state folder (default: <repo root>/.drelu); the server keeps its venv,
#                      sqlite database, artifacts, log and pid file in $DRELU_HOME/tracking
#   DRELU_MLFLOW_PORT  port on 127.0.0.1 (default 5117)
#   DRELU_MLFLOW_VENV  an existing venv that already has the pinned mlflow (tests use it so a
#                      throwaway DRELU_HOME does not reinstall); it is checked, never modified
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(dirname "$HERE")
DRELU_HOME=${DRELU_HOME:-$REPO_ROOT/.drelu}
STATE=$DRELU_HOME/tracking
PORT=${DRELU_MLFLOW_PORT:-5117}
HOST=127.0.0.1 # loopback only: the server has no authentication
VENV=${DRELU_MLFLOW_VENV:-$STATE/venv}
LOG=$STATE/server.log
PIDFILE=$STATE/server-$PORT.pid
URI=http://$HOST:$PORT
START_TIMEOUT=${DRELU_MLFLOW_START_TIMEOUT:-180}
MLFLOW_VERSION=$(sed -n 's/^mlflow==//p' "$HERE/requirements.txt")
# The marker names what was installed, so a changed pin or constraint set triggers a reinstall.
MARKER=$VENV/.drelu-installed
MARKER_TEXT="mlflow==$MLFLOW_VERSION constraints-sha256=$(sha256sum "$HERE/constraints.txt" | cut -c1-64)"

say() { echo "mlflow-server: $*"; }
die() { echo "mlflow-server: error: $*" >&2; exit 1; }

mlflow_importable() {
  [ -x "$VENV/bin/python" ] &&
    "$VENV/bin/python" -c "import sys, mlflow; sys.exit(mlflow.__version__ != '$MLFLOW_VERSION')" 2>/dev/null
}

installed() {
  mlflow_importable && [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$MARKER_TEXT" ]
}

cmd_install() {
  if [ -n "${DRELU_MLFLOW_VENV:-}" ]; then
    # Someone else's venv: use it if it works, never rebuild it.
    mlflow_importable ||
      die "DRELU_MLFLOW_VENV=$VENV has no importable mlflow==$MLFLOW_VERSION; unset it to install a venv under $STATE, or point it at a working one"
    say "using mlflow $MLFLOW_VERSION from $VENV"
    return 0
  fi
  if installed; then
    say "mlflow $MLFLOW_VERSION already installed in $VENV"
    return 0
  fi
  command -v python3 >/dev/null || die "python3 not found; install Python 3.9+ (e.g. apt-get install python3 python3-venv)"
  # No marker means no finished install: a half-made venv is thrown away and built anew.
  rm -rf "$VENV"
  mkdir -p "$STATE"
  say "installing mlflow $MLFLOW_VERSION into $VENV (1-2 minutes from PyPI)"
  python3 -m venv "$VENV" || die "python3 -m venv failed; install the venv module (e.g. apt-get install python3-venv)"
  "$VENV/bin/pip" install --disable-pip-version-check -q \
    -r "$HERE/requirements.txt" -c "$HERE/constraints.txt" ||
    die "pip install of mlflow failed (see above); check that PyPI is reachable, then run '$0 install' again"
  mlflow_importable || die "mlflow $MLFLOW_VERSION is not importable after install in $VENV"
  echo "$MARKER_TEXT" >"$MARKER"
  say "installed mlflow $MLFLOW_VERSION"
}

healthy() {
  curl -fsS --max-time 2 "$URI/health" >/dev/null 2>&1
}

server_pid() {
  [ -f "$PIDFILE" ] || return 1
  local pid
  pid=$(cat "$PIDFILE")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# The database journals in WAL mode (kept in the file): a commit appends to a log rather than
# rewriting pages through a rollback journal (with gunicorn_conf.py's synchronous=NORMAL, without an
# fsync). Set before the server opens it (the switch needs the only connection); a new database is
# created here in that mode and MLflow makes its tables. Two workers: a cached quickstart rerun sends
# ~170 requests four at a time, and with one worker they queue behind a process that can use one of
# the two cores (rerun 3.5-3.7 s -> 2.7-3.2 s whole on a 2-core AMD EPYC). Two processes writing one
# SQLite file do not fail each other: Python's sqlite3 starts a transaction at its first write, so a
# writer waits for the other's write lock (up to 5 s) instead of finding its snapshot stale; 8 threads
# x 60 runs (create, log-batch, finish) from two processes at once, beside a rerun, gave no error.
use_write_ahead_log() {
  "$VENV/bin/python" - "$STATE/mlflow.db" <<'PY' || die "could not put $STATE/mlflow.db in WAL mode (see above); is another process holding it?"
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], timeout=30)
mode = connection.execute("PRAGMA journal_mode=WAL").fetchone()[0]
connection.close()
sys.exit(0 if mode == "wal" else "journal mode is " + mode)
PY
}

cmd_start() {
  if healthy; then
    say "already running and healthy at $URI"
    return 0
  fi
  if ss -ltnH "sport = :$PORT" 2>/dev/null | grep -q .; then
    die "port $PORT is taken by a process that is not a healthy MLflow server; stop it or choose another port with DRELU_MLFLOW_PORT"
  fi
  if pid=$(server_pid); then
    say "a server (pid $pid) is still starting; waiting for it"
  else
    cmd_install
    mkdir -p "$STATE/artifacts"
    use_write_ahead_log
    echo "---- $(date -Is) starting mlflow server on $URI" >>"$LOG"
    # setsid: the server and its gunicorn workers get their own process group, so stop can end them all.
    setsid "$VENV/bin/mlflow" server \
      --host "$HOST" --port "$PORT" \
      --backend-store-uri "sqlite:///$STATE/mlflow.db" \
      --artifacts-destination "$STATE/artifacts" \
      --workers 2 \
      --gunicorn-opts "-c $HERE/gunicorn_conf.py" \
      >>"$LOG" 2>&1 </dev/null &
    echo $! >"$PIDFILE"
    pid=$!
  fi
  local waited=0
  while ! healthy; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "mlflow-server: error: the server exited before it became healthy; last lines of $LOG:" >&2
      tail -n 30 "$LOG" >&2
      rm -f "$PIDFILE"
      die "fix the cause above (a stale database lock? port $PORT in use? run '$0 install'?) and start again"
    fi
    if [ "$waited" -ge "$START_TIMEOUT" ]; then
      echo "mlflow-server: error: no answer from $URI/health after ${START_TIMEOUT}s; last lines of $LOG:" >&2
      tail -n 30 "$LOG" >&2
      cmd_stop >/dev/null || true
      die "the server did not come up; read $LOG, or raise DRELU_MLFLOW_START_TIMEOUT on a slow machine"
    fi
    if [ $((waited % 10)) -eq 0 ]; then say "waiting for $URI/health (${waited}s)"; fi
    sleep 1
    waited=$((waited + 1))
  done
  say "running at $URI (pid $pid, log $LOG)"
}

cmd_stop() {
  local pid
  if ! pid=$(server_pid); then
    rm -f "$PIDFILE"
    if healthy; then
      die "a server answers at $URI but was not started from $STATE (no live pid file); stop it where it was started"
    fi
    say "not running"
    return 0
  fi
  # Negative pid = the whole process group: mlflow, gunicorn master and its workers.
  kill -TERM -- "-$pid" 2>/dev/null || true
  local waited=0
  while kill -0 -- "-$pid" 2>/dev/null; do
    if [ "$waited" -ge 30 ]; then
      say "still alive after 15s; killing process group $pid"
      kill -KILL -- "-$pid" 2>/dev/null || true
    fi
    if [ "$waited" -ge 40 ]; then die "process group $pid does not die; end it by hand"; fi
    sleep 0.5
    waited=$((waited + 1))
  done
  rm -f "$PIDFILE"
  say "stopped (pid $pid)"
}

cmd_status() {
  local pid
  if healthy; then
    if pid=$(server_pid); then say "running at $URI (pid $pid)"; else say "running at $URI (not started from $STATE)"; fi
    return 0
  fi
  if pid=$(server_pid); then
    say "process $pid is alive but $URI/health does not answer (starting, or stuck: see $LOG)"
    return 1
  fi
  say "not running ($URI)"
  return 3
}

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  uri) echo "$URI" ;;
  *)
    echo "usage: $0 install|start|stop|status|uri" >&2
    echo "  env: DRELU_HOME (default $REPO_ROOT/.drelu), DRELU_MLFLOW_PORT (default 5117), DRELU_MLFLOW_VENV (reuse a venv)" >&2
    exit 2
    ;;
esac
