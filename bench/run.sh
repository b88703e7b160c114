#!/usr/bin/env bash
# Builds keel-bench (package only, nothing is installed into ~/.m2) and runs Keel's tracking-server,
# registry, feature store, serving and jobs benchmarks; see docs/benchmarks.md.
#
#   bench/run.sh                 all figures: startup, ingest + search on SQLite, then on PostgreSQL
#   bench/run.sh startup         figure 3 (--reps=10)
#   bench/run.sh ingest          figure 1 (--db=postgres for PostgreSQL)
#   bench/run.sh search          figure 2 (--db=postgres, --data-dir=DIR to reuse a seeded SQLite dir)
#   bench/run.sh search-auth     search-runs as a caller who may read 10% of 100 experiments (--db=postgres)
#   bench/run.sh alias           registry: get-version-by-alias, open loop at 1,000 requests/s
#   bench/run.sh registry-search registry: search 10,000 models x 10 versions by name
#   bench/run.sh registry        both registry figures (not part of all; --db=postgres)
#   bench/run.sh alias-auth      governance: alias at 1,000 req/s, auth off / admin / granted user
#   bench/run.sh ingest-auth     governance: log-batch ingest, auth off / on (audited)
#   bench/run.sh online          feature store: online publish and lookup, embedded and Redis
#   bench/run.sh online-http     feature store: online lookups over HTTP at 1,000 requests/s
#   bench/run.sh training-set    feature store: 1M-row point-in-time training set vs pandas (not part of all)
#   bench/run.sh predict         serving: in-process predict latency and batched throughput
#   bench/run.sh serve-http      serving: endpoint invocations over HTTP at 1,000 requests/s
#   bench/run.sh jobs            jobs: 1,000-task DAG overhead, 100 concurrent runs, trigger latency
#                                (--db=postgres; --parts=dag,concurrent,model,table; not part of all)
#   bench/run.sh monitoring      monitoring: 10M-row x 20-column refresh (full, incremental) vs pandas + scipy
#                                (not part of all)
#   bench/run.sh monitoring-quality  monitoring: model quality of a 2M-row, 5-class inference log
#                                (log loss, ROC-AUC; --classes=2 --proba=number: binary; not part of all)
#   bench/run.sh --help          the options
#
# Environment: KEEL_JAVA_HOME / JAVA_HOME (a JDK >= 21; else the newest under /usr/lib/jvm),
# KEEL_BENCH_NO_BUILD=1 to skip the build. Output is also written to bench/target/results-*.txt.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MIN_JAVA=21

java_major() {
  local v
  v="$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -1)"
  case "$v" in 1.*) v="${v#1.}"; v="${v%%.*}" ;; esac
  [[ "$v" =~ ^[0-9]+$ ]] && echo "$v"
}

find_jdk() { # the user's JDK if it qualifies, else the newest JDK >= MIN_JAVA under the usual folders
  local c v best="" best_v=0
  for c in "${KEEL_JAVA_HOME:-}" "${JAVA_HOME:-}"; do
    [[ -n "$c" && -x "$c/bin/java" && -x "$c/bin/javac" ]] || continue
    v="$(java_major "$c/bin/java")" || continue
    if [[ -n "$v" ]] && (( v >= MIN_JAVA )); then echo "$c"; return; fi
  done
  for c in /usr/lib/jvm/* /usr/java/* /opt/java/* "$HOME"/.sdkman/candidates/java/*; do
    [[ -x "$c/bin/java" && -x "$c/bin/javac" ]] || continue
    v="$(java_major "$c/bin/java")" || continue
    if [[ -n "$v" ]] && (( v >= MIN_JAVA && v > best_v )); then best="$c"; best_v="$v"; fi
  done
  [[ -n "$best" ]] && echo "$best"
}

JDK="$(find_jdk || true)"
if [[ -z "$JDK" ]]; then
  echo "bench: no JDK >= $MIN_JAVA found (KEEL_JAVA_HOME, JAVA_HOME, /usr/lib/jvm)" >&2
  exit 1
fi
export JAVA_HOME="$JDK" PATH="$JDK/bin:$PATH"

if [[ "${KEEL_BENCH_NO_BUILD:-}" != 1 ]]; then
  echo "bench: building keel-bench with $JAVA_HOME ..." >&2
  "$ROOT/mvnw" -f "$ROOT/pom.xml" -B -q -Pbench -pl bench -am package -DskipTests >&2
fi

cmd="${1:-all}"
[[ $# -gt 0 ]] && shift
if [[ "$cmd" == -* ]]; then
  exec "$JAVA_HOME/bin/java" -cp "$ROOT/bench/target/keel-bench.jar:$ROOT/bench/target/lib/*" \
    dev.keel.bench.Bench --help
fi
mkdir -p "$ROOT/bench/target"
out="$ROOT/bench/target/results-$cmd-$(date +%Y%m%d-%H%M%S).txt"
echo "bench: writing $out" >&2
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED ${KEEL_BENCH_JAVA_OPTS:-} \
  -cp "$ROOT/bench/target/keel-bench.jar:$ROOT/bench/target/lib/*" \
  dev.keel.bench.Bench "$cmd" "$@" 2>&1 | tee "$out"
exit "${PIPESTATUS[0]}"
