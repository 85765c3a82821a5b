#!/usr/bin/env bash
# Benchmark (not a test): one spec on the Direct runner, then on a local Flink cluster with 1 and
# with 2 TaskManagers (one slot each), every run into a fresh store and without tracking.
# Prints wall time, tasks computed, tasks/s and the bytes written through the store.
#
#   ci/bench-cluster.sh [SPEC]      default: pipelines/mnist-table-smoke.yaml
#
# Uses its own cluster home and ports (DRELU_FLINK_HOME/PORT/RPC_PORT as in ci/flink-cluster.sh,
# defaulting to target/bench-flink, 18081, 16123) and always stops it. Machine load matters on a
# shared box: the load average is printed with the figures.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SPEC=${1:-$ROOT/pipelines/mnist-table-smoke.yaml}
WORK=$(mktemp -d /tmp/drelu-bench-cluster.XXXXXX)
export DRELU_FLINK_HOME=${DRELU_FLINK_HOME:-$ROOT/target/bench-flink}
export DRELU_FLINK_PORT=${DRELU_FLINK_PORT:-18081}
export DRELU_FLINK_RPC_PORT=${DRELU_FLINK_RPC_PORT:-16123}
export DRELU_XMX=${DRELU_XMX:-3g}
CLUSTER="$ROOT/ci/flink-cluster.sh"
trap 'bash "$CLUSTER" stop >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT

results=()
# one run: label, then drelu run options; records "label seconds computed bytes"
bench() {
  local label=$1; shift
  local store=$WORK/store-$label log=$WORK/$label.log start end
  start=$(date +%s.%N)
  "$ROOT/drelu" run "$SPEC" --store "$store" --no-tracking --quiet "$@" >"$log" 2>&1 \
    || { cat "$log" >&2; echo "bench-cluster: the $label run failed (above)" >&2; exit 1; }
  end=$(date +%s.%N)
  local computed bytes
  computed=$(sed -n 's/^Finished in .*(\([0-9]*\) of [0-9]* tasks computed.*/\1/p' "$log")
  bytes=$(du -sb --exclude=.locks --exclude=.hashes "$store" | cut -f1)
  results+=("$label $(echo "$end - $start" | bc) ${computed:-?} $bytes")
}

"$ROOT/drelu" --version >/dev/null # builds now if the sources changed, so no run's time includes a build
echo "bench-cluster: $(basename "$SPEC"); load before: $(uptime | sed 's/.*load average: //')"
bench direct --runner direct --parallelism 2
bash "$CLUSTER" start --taskmanagers 1 >/dev/null
bench flink-1tm --runner flink --flink-master "$(bash "$CLUSTER" address)"
bash "$CLUSTER" taskmanager 2 >/dev/null
for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$DRELU_FLINK_PORT/overview" | grep -q '"taskmanagers":2' && break
  sleep 1
done
bench flink-2tm --runner flink --flink-master "$(bash "$CLUSTER" address)"

printf '\n| run | wall s | tasks | tasks/s | bytes written to the store |\n|---|---|---|---|---|\n'
for r in "${results[@]}"; do
  read -r label secs tasks bytes <<<"$r"
  printf '| %s | %.1f | %s | %.3f | %s |\n' "$label" "$secs" "$tasks" "$(echo "$tasks / $secs" | bc -l)" "$bytes"
done
echo "load after: $(uptime | sed 's/.*load average: //') ($(nproc) cores)"
