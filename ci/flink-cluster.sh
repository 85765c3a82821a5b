#!/usr/bin/env bash
# A Flink 1.19 standalone session cluster on this machine, from Maven Central jars alone (no Flink
# download): one JobManager and N TaskManagers, each a separate JVM bound to 127.0.0.1, each
# TaskManager with its own empty working folder. For a local trial of `drelu run --runner flink
# --flink-master 127.0.0.1:PORT` and for the cluster tests; a real cluster runs the same classes.
#
#   ci/flink-cluster.sh start [--taskmanagers N]   JobManager + N TaskManagers (default 2); waits until
#                                                  every TaskManager has registered
#   ci/flink-cluster.sh taskmanager I              (re)start TaskManager I alone, in a new empty folder
#   ci/flink-cluster.sh status                     the REST /overview (slots, TaskManagers, jobs)
#   ci/flink-cluster.sh stop                       stops every process this script started
#   ci/flink-cluster.sh address                    prints HOST:PORT for --flink-master
#
# Environment:
#   DRELU_FLINK_HOME     state folder: conf/, logs, pid files, TaskManager folders (default .drelu/flink)
#   DRELU_FLINK_PORT     the JobManager's REST port, the one --flink-master names (default 8081)
#   DRELU_FLINK_RPC_PORT the JobManager's RPC port (default 6123)
#   DRELU_FLINK_SLOTS    task slots per TaskManager (default 1)
#   DRELU_TORCH_THREADS  PyTorch threads per task on the TaskManagers (default 1);
#                        slots x torch threads should not exceed a TaskManager machine's cores
#   AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (or AWS_PROFILE)  passed on to the TaskManagers, for an s3:// store
#   DRELU_FLINK_TM_MEMORY  TaskManager process size (default 2304m), DRELU_FLINK_JM_MEMORY (default 1024m)
#   DRELU_MALLOC=default   the TaskManagers keep glibc's own malloc settings (bin/native-memory.sh)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${DRELU_FLINK_HOME:-$ROOT/.drelu/flink}
HOST=127.0.0.1
PORT=${DRELU_FLINK_PORT:-8081}
RPC_PORT=${DRELU_FLINK_RPC_PORT:-6123}
SLOTS=${DRELU_FLINK_SLOTS:-1}
TORCH_THREADS=${DRELU_TORCH_THREADS:-1}
CONF=$STATE/conf
CLASSPATH_FILE=$STATE/classpath.txt
START_TIMEOUT=${DRELU_FLINK_START_TIMEOUT:-120}

# shellcheck source=../bin/native-memory.sh
. "$ROOT/bin/native-memory.sh"

say() { printf 'flink-cluster: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

# Flink's own list for Java 17 (its default env.java.opts.all): reflection into the JDK.
JAVA17_OPENS=(
  --add-exports=java.base/sun.net.util=ALL-UNNAMED --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.text=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED
)

# The cluster's classpath (Flink + the PyTorch engine + an slf4j binding), resolved by Maven from
# ci/flink-cluster/pom.xml; offline first, online only when a jar is missing from ~/.m2.
classpath() {
  if [ ! -s "$CLASSPATH_FILE" ] || [ "$ROOT/ci/flink-cluster/pom.xml" -nt "$CLASSPATH_FILE" ]; then
    mkdir -p "$STATE"
    say "resolving the Flink jars (ci/flink-cluster/pom.xml)..."
    local mvn_cmd=(mvn -B -q -Dstyle.color=never -f "$ROOT/ci/flink-cluster/pom.xml" dependency:build-classpath
      "-Dmdep.outputFile=$CLASSPATH_FILE")
    "${mvn_cmd[@]}" -o >/dev/null 2>&1 || "${mvn_cmd[@]}" >&2 || die "Maven could not resolve the Flink jars (see above)"
  fi
  cat "$CLASSPATH_FILE"
}

write_conf() {
  mkdir -p "$CONF"
  cat >"$CONF/flink-conf.yaml" <<EOF
# written by ci/flink-cluster.sh; every process binds to the loopback
jobmanager.rpc.address: $HOST
jobmanager.rpc.port: $RPC_PORT
jobmanager.bind-host: $HOST
taskmanager.bind-host: $HOST
taskmanager.host: $HOST
rest.address: $HOST
rest.bind-address: $HOST
rest.port: $PORT
jobmanager.memory.process.size: ${DRELU_FLINK_JM_MEMORY:-1024m}
taskmanager.memory.process.size: ${DRELU_FLINK_TM_MEMORY:-2304m}
# drelu's tasks hold little in Flink's managed memory; Arrow and DJL buffers are direct memory
taskmanager.memory.managed.size: 128m
taskmanager.memory.task.off-heap.size: 512m
taskmanager.memory.network.min: 64m
taskmanager.memory.network.max: 64m
taskmanager.numberOfTaskSlots: $SLOTS
# the engine is on the workers' classpath (see ci/flink-cluster/pom.xml): its classes must come
# from there, not from a job jar, so that libtorch is loaded once per TaskManager JVM
classloader.parent-first-patterns.additional: ai.djl.
# a job that loses a TaskManager restarts (drelu's tasks then reuse what they committed); the
# default without checkpointing is no restart at all
restart-strategy.type: fixed-delay
restart-strategy.fixed-delay.attempts: 3
restart-strategy.fixed-delay.delay: 10 s
# a killed TaskManager is noticed in seconds, not the default 50 s
heartbeat.interval: 2000
heartbeat.timeout: 10000
env.java.opts.taskmanager: -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=$TORCH_THREADS -Dai.djl.pytorch.num_interop_threads=1
EOF
}

# Lines that Flink's BashJavaUtils marks as results: JVM memory flags, then dynamic -D settings.
resource_params() {
  local what=$1
  java -Xmx256m -cp "$(classpath)" org.apache.flink.runtime.util.bash.BashJavaUtils "$what" --configDir "$CONF" \
    2>/dev/null | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p'
}

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

overview() { curl -fsS --max-time 3 "http://$HOST:$PORT/overview" 2>/dev/null; }

start_jobmanager() {
  if pid_alive "$STATE/jm.pid"; then
    say "the JobManager is already running (pid $(cat "$STATE/jm.pid"))"
    return 0
  fi
  if ss -ltnH "sport = :$PORT" 2>/dev/null | grep -q .; then
    die "port $PORT is taken; stop what listens there or choose another with DRELU_FLINK_PORT"
  fi
  local params jvm dynamic
  params=$(resource_params GET_JM_RESOURCE_PARAMS)
  jvm=$(sed -n 1p <<<"$params")
  dynamic=$(sed -n 2p <<<"$params")
  [ -n "$jvm" ] || die "BashJavaUtils printed no JobManager memory settings; check $CONF/flink-conf.yaml"
  # shellcheck disable=SC2086
  setsid java "${JAVA17_OPENS[@]}" $jvm -cp "$(classpath)" \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=info -Dorg.slf4j.simpleLogger.showDateTime=true \
    org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint --configDir "$CONF" $dynamic \
    >>"$STATE/jm.log" 2>&1 </dev/null &
  echo $! >"$STATE/jm.pid"
  say "JobManager started (pid $!, REST http://$HOST:$PORT, log $STATE/jm.log)"
}

start_taskmanager() {
  local i=$1
  if pid_alive "$STATE/tm-$i.pid"; then
    say "TaskManager $i is already running (pid $(cat "$STATE/tm-$i.pid"))"
    return 0
  fi
  local dir=$STATE/tm-$i params jvm dynamic
  rm -rf "$dir" && mkdir -p "$dir" # its own empty working folder, every start
  params=$(resource_params GET_TM_RESOURCE_PARAMS)
  jvm=$(sed -n 1p <<<"$params")
  dynamic=$(sed -n 2p <<<"$params")
  [ -n "$jvm" ] || die "BashJavaUtils printed no TaskManager memory settings; check $CONF/flink-conf.yaml"
  # the TaskManagers run libtorch: glibc's malloc keeps what it frees, as under ./drelu
  # shellcheck disable=SC2086
  GLIBC_TUNABLES=$(drelu_glibc_tunables) setsid java "${JAVA17_OPENS[@]}" $jvm -Dai.djl.offline=true \
    -Dai.djl.pytorch.num_threads="$TORCH_THREADS" -Dai.djl.pytorch.num_interop_threads=1 \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=info -Dorg.slf4j.simpleLogger.showDateTime=true \
    -Djava.io.tmpdir="$dir" -Ddrelu.home="$dir/drelu-home" -cp "$(classpath)" \
    org.apache.flink.runtime.taskexecutor.TaskManagerRunner --configDir "$CONF" $dynamic \
    -D taskmanager.resource-id="tm-$i" -D process.taskmanager.working-dir="$dir" -D io.tmp.dirs="$dir" \
    >>"$STATE/tm-$i.log" 2>&1 </dev/null &
  echo $! >"$STATE/tm-$i.pid"
  say "TaskManager $i started (pid $(cat "$STATE/tm-$i.pid"), folder $dir, log $STATE/tm-$i.log)"
}

# Waits until the REST API answers and at least $1 TaskManagers have registered.
wait_for() {
  local want=$1 waited=0 tms
  while :; do
    tms=$(overview | sed -n 's/.*"taskmanagers":\([0-9]*\).*/\1/p')  || tms=""
    if [ -n "$tms" ] && [ "$tms" -ge "$want" ]; then
      say "ready: $(overview)"
      return 0
    fi
    pid_alive "$STATE/jm.pid" || { tail -n 30 "$STATE/jm.log" >&2; die "the JobManager exited (log above: $STATE/jm.log)"; }
    [ "$waited" -lt "$START_TIMEOUT" ] || die "only ${tms:-no} TaskManager(s) registered after ${START_TIMEOUT}s; see $STATE/*.log"
    sleep 1
    waited=$((waited + 1))
  done
}

stop_all() {
  local f pid
  for f in "$STATE"/tm-*.pid "$STATE"/jm.pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -9 "$pid" 2>/dev/null || true
      say "stopped $(basename "$f" .pid) (pid $pid)"
    fi
    rm -f "$f"
  done
}

cmd=${1:-}
shift || true
case "$cmd" in
  start)
    n=2
    while [ $# -gt 0 ]; do
      case "$1" in
        --taskmanagers) n=${2:-}; shift 2 ;;
        --taskmanagers=*) n=${1#*=}; shift ;;
        *) die "unknown option $1 (usage: $0 start [--taskmanagers N])" ;;
      esac
    done
    [[ "$n" =~ ^[1-9][0-9]?$ ]] || die "--taskmanagers must be a whole number from 1 to 99, but was: '$n'"
    command -v java >/dev/null || die "java (17) is needed"
    write_conf
    start_jobmanager
    for i in $(seq 1 "$n"); do start_taskmanager "$i"; done
    wait_for "$n"
    echo "$HOST:$PORT"
    ;;
  taskmanager)
    i=${1:-}
    [[ "$i" =~ ^[1-9][0-9]?$ ]] || die "usage: $0 taskmanager I (I from 1 to 99)"
    [ -f "$CONF/flink-conf.yaml" ] || die "no cluster configuration in $CONF; run '$0 start' first"
    start_taskmanager "$i"
    ;;
  status)
    overview || die "no JobManager answers at http://$HOST:$PORT/overview"
    echo
    ;;
  stop) stop_all ;;
  address) echo "$HOST:$PORT" ;;
  *) die "usage: $0 start [--taskmanagers N] | taskmanager I | status | stop | address" ;;
esac
