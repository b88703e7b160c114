#!/usr/bin/env bash
# CLI latency benchmark (docs/benchmarks.md, "CLI latency"). Needs hyperfine and curl.
#
#   bench/cli-latency.sh [LAUNCHER ...]
#
# For each launcher (default: ./keel; pass e.g. an older copy of the launcher saved next to it to
# compare), measures with hyperfine, RUNS times each after WARMUP warm-up runs:
#   1. `keel version`
#   2. `keel experiments list` against a running server (started once, on a free port)
#   3. `keel server` start to the first 200 from GET /ready (new empty data dir each run)
# Prints the machine (lscpu model, cores) and the load average before each measurement, since the
# figures are only comparable on a quiet machine. The distribution must be built (./keel build).
# The first run of a launcher may build its CDS/AOT archives in the background (one for client
# commands, one for `keel server`): the script runs each kind once and waits for the archives
# before timing. hyperfine's "User" and "System" are the CPU time of the command and its children
# (for the server row: the whole server process, start to the stop after the first 200).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${RUNS:-10}"
WARMUP="${WARMUP:-3}"
command -v hyperfine >/dev/null || { echo "hyperfine is needed (apt-get install hyperfine)" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl is needed" >&2; exit 1; }
LAUNCHERS=("$@")
[[ ${#LAUNCHERS[@]} -gt 0 ]] || LAUNCHERS=("$ROOT/keel")

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_ready() { # url timeout_s
  local deadline=$((SECONDS + $2))
  until curl -fs -o /dev/null "$1/ready"; do
    (( SECONDS < deadline )) || return 1
    sleep 0.01
  done
}

echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores"
echo "jdk:     $("${JAVA_HOME:+$JAVA_HOME/bin/}java" -version 2>&1 | head -1 || echo unknown) (JAVA_HOME, else PATH; the launcher may pick another)"

# One server for the client commands.
PORT="$(free_port)"
URL="http://127.0.0.1:$PORT"
"${LAUNCHERS[0]}" server --port "$PORT" --data-dir "$WORK/server" > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
wait_ready "$URL" 120 || { echo "server did not become ready" >&2; cat "$WORK/server.log" >&2; exit 1; }

# Server start to ready, as one command hyperfine can time: start, poll /ready, stop.
cat > "$WORK/start-to-ready.sh" <<'EOF'
#!/usr/bin/env bash
set -euo pipefail
launcher="$1"; work="$2"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
dir="$(mktemp -d "$work/start.XXXXXX")"
"$launcher" server --port "$port" --data-dir "$dir" > "$dir.log" 2>&1 &
pid=$!
until curl -fs -o /dev/null "http://127.0.0.1:$port/ready"; do
  kill -0 "$pid" 2>/dev/null || { cat "$dir.log" >&2; exit 1; }
  sleep 0.01
done
kill "$pid"; wait "$pid" 2>/dev/null || true
rm -rf "$dir" "$dir.log"
EOF
chmod +x "$WORK/start-to-ready.sh"

# Waits while a background training run of launcher $1 builds a CDS/AOT archive.
wait_for_archives() {
  local aot
  aot="$(cd "$(dirname "$1")" && pwd)/keel-cli/target/aot"
  for _ in $(seq 1 300); do
    compgen -G "$aot/lock*" > /dev/null || return 0
    sleep 1
  done
}

for L in "${LAUNCHERS[@]}"; do
  echo
  echo "=== $L"
  # Let a first run of each kind create its CDS/AOT archive (background training) before timing.
  "$L" version > /dev/null
  wait_for_archives "$L"
  "$WORK/start-to-ready.sh" "$L" "$WORK"
  wait_for_archives "$L"
  echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  hyperfine -N -w "$WARMUP" -r "$RUNS" --export-markdown "$WORK/cli.md" \
    -n "keel version" "$L version" \
    -n "keel experiments list" "$L experiments list --url $URL"
  echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  hyperfine -w 1 -r "$RUNS" -n "keel server -> /ready" "$WORK/start-to-ready.sh $L $WORK"
  echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
done
