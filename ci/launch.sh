#!/usr/bin/env bash
# The CI entry point: runs one pipeline spec with the runner, store and tracking server the
# environment names, prints the result table into the log (and into $GITHUB_STEP_SUMMARY when
# set), copies the HTML report where CI keeps it, and says by its exit code how it went.
#
#   ci/launch.sh SPEC [--fail-on-masking] [more drelu run options...]
#
# Environment (all optional):
#   DRELU_RUNNER         direct (default) or flink
#   DRELU_FLINK_MASTER   HOST:PORT of a Flink session cluster's REST API (with DRELU_RUNNER=flink;
#                        without it Flink runs embedded in this JVM)
#   DRELU_STORE          the artifact store (default: .drelu/store); the cluster's workers must reach it
#   MLFLOW_TRACKING_URI  the MLflow server (http://...); unset = no tracking (CI starts no server)
#   DRELU_REPORT_DIR     where the report is copied for CI to keep (default: ci-report)
#
# Exit codes: 0 done; 1 the run failed (drelu's own code when it is not 0); 3 --fail-on-masking and
# at least one model is flagged for gradient masking (read from the summary artifact's summary.json).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
say() { printf 'launch: %s\n' "$*" >&2; }

spec=""
fail_on_masking=no
extra=()
for arg in "$@"; do
  case "$arg" in
    --fail-on-masking) fail_on_masking=yes ;;
    *) if [ -z "$spec" ]; then spec=$arg; else extra+=("$arg"); fi ;;
  esac
done
[ -n "$spec" ] || { say "usage: ci/launch.sh SPEC [--fail-on-masking] [drelu run options]"; exit 2; }
[ -f "$spec" ] || { say "no spec file at '$spec' (give a path such as pipelines/mnist-table-smoke.yaml)"; exit 2; }

args=(run "$spec" --runner "${DRELU_RUNNER:-direct}")
[ -z "${DRELU_FLINK_MASTER:-}" ] || args+=(--flink-master "$DRELU_FLINK_MASTER")
[ -z "${DRELU_STORE:-}" ] || args+=(--store "$DRELU_STORE")
if [ -z "${MLFLOW_TRACKING_URI:-}" ]; then
  say "MLFLOW_TRACKING_URI is not set: running without tracking"
  args+=(--no-tracking)
fi
args+=("${extra[@]}")

report_dir=${DRELU_REPORT_DIR:-ci-report}
mkdir -p "$report_dir"
out=$report_dir/run.log
summary_dir=$(mktemp -d)/summary # a new folder drelu fills; removed when this script ends
trap 'rm -rf "$(dirname "$summary_dir")"' EXIT
args+=(--summary-to "$summary_dir")
say "drelu ${args[*]}"
rc=0
"$ROOT/drelu" "${args[@]}" 2>&1 | tee "$out" || rc=${PIPESTATUS[0]}
if [ "$rc" -ne 0 ]; then
  say "drelu run failed (exit code $rc); its output is in $out"
  exit "$rc"
fi

# The summary artifact as a local folder, whatever the store (a folder or s3://): drelu copied it
# there (--summary-to, below).
summary=$summary_dir
if [ ! -f "$summary/summary.json" ]; then
  say "the run printed no readable summary artifact (was a stage skipped with --only?); nothing to report"
  exit 1
fi

# The table for people: the CI log has it from tee; GitHub shows the step summary on the run page.
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  { echo "## drelu: $(basename "$spec")"; echo; cat "$summary/summary.md"; echo; } >>"$GITHUB_STEP_SUMMARY"
fi

rm -rf "$report_dir/report"
cp -R "$summary/report" "$report_dir/report"
cp "$summary/summary.md" "$summary/summary.csv" "$summary/summary.json" "$report_dir/"
say "report copied to $report_dir/report/index.html"

if [ "$fail_on_masking" = yes ]; then
  # summary.json rows carry "masking": "yes" | "no" | "-" (diagnostics not run)
  flagged=$({ grep -oE '"masking"[[:space:]]*:[[:space:]]*"yes"' "$summary/summary.json" || true; } | wc -l)
  if [ "$flagged" -gt 0 ]; then
    say "--fail-on-masking: $flagged model(s) flagged for gradient masking (see the masking? column and $report_dir/report/index.html)"
    exit 3
  fi
  say "--fail-on-masking: no model is flagged for gradient masking"
fi
