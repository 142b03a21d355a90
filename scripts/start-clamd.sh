#!/usr/bin/env bash
# Start (or find running) the project's PRIVATE ClamAV daemon and print its address for
# PEC_PRECHECK_CLAMD ("unix:/…/clamd.sock") on stdout; print nothing when no antivirus can run
# (the app then says so on every report: AV002). Messages go to stderr. `make run` calls it.
#
#   scripts/start-clamd.sh          start it (idempotent: a running one is reused)
#   scripts/start-clamd.sh stop     stop it and empty its temporary folder
#
# Private: its own config (written here at each start), its own socket and pid file under
# $PEC_PRECHECK_VAR/run, its own log under $PEC_PRECHECK_VAR/log; the system's clamd (if any)
# is not touched. Uploads reach clamd by INSTREAM, which clamd spools to its TemporaryDirectory:
# that is a RAM-backed folder (/dev/shm), emptied at start and stop, so uploads never reach disk.
#
# Signatures: Debian's clamav package ships none. freshclam (own config, short timeouts)
# downloads them into $PEC_PRECHECK_VAR/clamav when the network allows; otherwise an existing
# database there or in /var/lib/clamav (the system freshclam's) is used; with none at all clamd
# cannot start and the app runs without antivirus.
#
# Environment:
#   PEC_PRECHECK_VAR             project state folder (default: <repo>/var)
#   PEC_PRECHECK_CLAMD_TMP       clamd's temporary folder (default /dev/shm/pec-precheck-clamd)
#   PEC_PRECHECK_FRESHCLAM       0: do not run freshclam (offline, tests)
#   PEC_PRECHECK_FRESHCLAM_TIMEOUT  seconds freshclam may take (default 60)
#   PEC_PRECHECK_FRESHCLAM_MIRROR   a private mirror URL instead of database.clamav.net
#   PEC_PRECHECK_SYSTEM_CLAMAV_DB   the system database folder (default /var/lib/clamav)
#   PEC_PRECHECK_CLAMD_START_TIMEOUT seconds to wait for clamd to load its database (default 180)
#   PEC_PRECHECK_CLAMD_FAILED_GRACE  seconds to wait for the socket when clamd's launcher
#                                    reported a failure (default 10)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
var=${PEC_PRECHECK_VAR:-$root/var}
run_dir=$var/run
db_dir=$var/clamav
log_dir=$var/log
sock=$run_dir/clamd.sock
pidfile=$run_dir/clamd.pid
conf=$run_dir/clamd.conf
tmp=${PEC_PRECHECK_CLAMD_TMP:-/dev/shm/pec-precheck-clamd}
system_db=${PEC_PRECHECK_SYSTEM_CLAMAV_DB:-/var/lib/clamav}
start_timeout=${PEC_PRECHECK_CLAMD_START_TIMEOUT:-180}

say() { echo "antivirus: $*" >&2; }

ping() {  # clamd answers PONG on its socket
  [ -S "$sock" ] || return 1
  python3 - "$sock" <<'EOF' 2>/dev/null
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(2)
s.connect(sys.argv[1])
s.sendall(b"zPING\0")
sys.exit(0 if s.recv(16).startswith(b"PONG") else 1)
EOF
}

stop() {
  if [ -f "$pidfile" ]; then
    pid=$(cat "$pidfile")
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -f "$pidfile"
  fi
  rm -f "$sock"
  if [ -d "$tmp" ]; then find "$tmp" -mindepth 1 -delete 2>/dev/null || true; rmdir "$tmp" 2>/dev/null || true; fi
}

has_db() {  # a folder with at least one signature database file
  compgen -G "$1/*.cvd" >/dev/null || compgen -G "$1/*.cld" >/dev/null \
    || compgen -G "$1/*.ndb" >/dev/null || compgen -G "$1/*.hdb" >/dev/null
}

if [ "${1:-start}" = stop ]; then
  stop
  exit 0
fi

if ping; then
  say "private clamd already running ($sock)"
  echo "unix:$sock"
  exit 0
fi

clamd=$(command -v clamd || true)
[ -z "$clamd" ] && [ -x /usr/sbin/clamd ] && clamd=/usr/sbin/clamd
if [ -z "$clamd" ]; then
  say "clamd not installed (Debian clamav-daemon: scripts/install-system.sh run): files will NOT be scanned"
  exit 0
fi

mkdir -p "$run_dir" "$db_dir" "$log_dir"
stop  # a stale pid file or socket from a previous run

# Signatures: try to update ours (a few seconds when there is no network), else use what exists.
if [ "${PEC_PRECHECK_FRESHCLAM:-1}" != 0 ] && command -v freshclam >/dev/null; then
  fresh_conf=$run_dir/freshclam.conf
  if [ -n "${PEC_PRECHECK_FRESHCLAM_MIRROR:-}" ]; then  # a mirror of your own (or a test's)
    mirror_line="PrivateMirror $PEC_PRECHECK_FRESHCLAM_MIRROR
DNSDatabaseInfo no"
  else
    mirror_line="DatabaseMirror database.clamav.net"
  fi
  cat >"$fresh_conf" <<EOF
DatabaseDirectory $db_dir
UpdateLogFile $log_dir/freshclam.log
DatabaseOwner $(id -un)
$mirror_line
ConnectTimeout 10
ReceiveTimeout 30
MaxAttempts 1
Foreground yes
EOF
  say "updating signatures with freshclam (at most ${PEC_PRECHECK_FRESHCLAM_TIMEOUT:-60} s)"
  if timeout "${PEC_PRECHECK_FRESHCLAM_TIMEOUT:-60}" freshclam --config-file="$fresh_conf" --quiet \
      >>"$log_dir/freshclam.log" 2>&1; then
    say "signatures updated in $db_dir"
  else
    say "freshclam could not update the signatures (no network?); see $log_dir/freshclam.log"
  fi
fi
if has_db "$db_dir"; then
  database=$db_dir
elif has_db "$system_db"; then
  database=$system_db
  say "using the system's signatures in $system_db"
else
  say "NO signature database ($db_dir and $system_db are empty; freshclam needs the network):"
  say "clamd cannot start, files will NOT be scanned (every report says «Antivirus non verificato»)"
  exit 0
fi

# RAM-backed spool for INSTREAM: uploads never reach the disk.
if [ ! -d "$(dirname "$tmp")" ]; then
  say "$(dirname "$tmp") does not exist: no RAM-backed folder for clamd's temporary files"
  exit 0
fi
mkdir -p "$tmp"
chmod 700 "$tmp"

cat >"$conf" <<EOF
# Written by scripts/start-clamd.sh at each start: the project's private clamd.
LocalSocket $sock
LocalSocketMode 600
PidFile $pidfile
DatabaseDirectory $database
TemporaryDirectory $tmp
LeaveTemporaryFiles no
LogFile $log_dir/clamd.log
LogTime yes
Foreground no
ScanArchive yes
StreamMaxLength 25M
MaxThreads 4
SelfCheck 3600
EOF

say "starting the private clamd (database $database, temporary files in $tmp)"
# The socket answering decides, not the launcher's status: clamd's daemonizing parent has
# been seen to exit non-zero while its daemon came up and served (a CI run: the log shows a
# complete start). A launcher that failed gets a short grace instead of the full wait.
wait_s=$start_timeout
"$clamd" --config-file="$conf" >>"$log_dir/clamd.log" 2>&1 || wait_s=${PEC_PRECHECK_CLAMD_FAILED_GRACE:-10}
deadline=$(( $(date +%s) + wait_s ))
until ping; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    say "clamd did not start or did not answer within ${wait_s} s; see $log_dir/clamd.log: files will NOT be scanned"
    stop
    exit 0
  fi
  sleep 0.2
done
say "private clamd ready on $sock"
echo "unix:$sock"
