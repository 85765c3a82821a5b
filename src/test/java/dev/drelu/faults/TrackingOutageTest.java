package dev.drelu.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.api.proto.Service.RunStatus;
import dev.drelu.testing.LocalPorts;
import dev.drelu.testing.MlflowScriptServer;
import dev.drelu.testing.Slow;
import org.mlflow.tracking.MlflowClient;

/**
 * The MLflow server is stopped while the tiny pipeline trains: the run finishes (journaling what
 * it could not send), the server comes back, `drelu tracking sync` replays the journal, and the
 * experiment then holds exactly the runs, parameters, metric histories and tags that a run
 * against a live server logs: nothing lost, nothing twice. A second sync sends nothing.
 *
 * <p>The test runs its own server with tracking/mlflow-server.sh under a temp DRELU_HOME on a free
 * port (DRELU_MLFLOW_VENV, as ci/test.sh sets it, saves installing mlflow).
 */
@Slow
class TrackingOutageTest {
  private static final Pattern SENT = Pattern.compile("(\\d+) event\\(s\\) sent, (\\d+) run\\(s\\) created");

  @TempDir Path dir;

  @Test
  void aServerOutageMidRunLosesAndDoublesNothingAfterSync() throws Exception {
    MlflowScriptServer server = new MlflowScriptServer(dir.resolve("mlflow"), LocalPorts.free());
    String outageExperiment = "faults-outage-" + UUID.randomUUID();
    String liveExperiment = "faults-live-" + UUID.randomUUID();
    server.start();
    try {
      // 1. the outage: stop the server once training has begun
      Path outageHome = dir.resolve("home-outage");
      Path outageSpec = Files.writeString(dir.resolve("outage.yaml"),
          FaultRig.specYaml(outageExperiment));
      Path log = dir.resolve("outage.log");
      Process run = FaultRig.start(outageHome, log, Map.of(), List.of("run", outageSpec.toString(),
          "--store", dir.resolve("store-outage").toString(), "--tracking-uri", server.uri(), "--parallelism", "1"));
      awaitLine(log, "[train ", run);
      server.stop();
      FaultRig.Result r = FaultRig.finish(run, log);
      assertEquals(0, r.code(), "the run finishes without its server:\n" + r.log());
      assertTrue(r.log().contains("tracking sync"), "the run says what to do:\n" + r.log());
      Path journal = outageHome.resolve("tracking/journal");
      assertTrue(Files.isDirectory(journal) && !FaultRig.list(journal).isEmpty(), "something was journaled");

      // 2. the server returns; sync, then sync again
      server.start();
      FaultRig.Result sync = FaultRig.drelu(outageHome, dir.resolve("sync.log"), "tracking", "sync",
          "--tracking-uri", server.uri());
      assertEquals(0, sync.code(), sync.log());
      Matcher m = SENT.matcher(sync.log());
      assertTrue(m.find(), sync.log());
      int sent = Integer.parseInt(m.group(1));
      int created = Integer.parseInt(m.group(2));
      assertTrue(sent > 0, sync.log());
      FaultRig.Result again = FaultRig.drelu(outageHome, dir.resolve("sync-again.log"), "tracking", "sync",
          "--tracking-uri", server.uri());
      assertEquals(0, again.code(), again.log());
      assertTrue(again.log().contains("0 event(s) sent, 0 run(s) created"), again.log());

      // 3. the same pipeline against the live server, in a fresh store
      Path liveSpec = Files.writeString(dir.resolve("live.yaml"), FaultRig.specYaml(liveExperiment));
      Path liveLog = dir.resolve("live.log");
      FaultRig.Result live = FaultRig.finish(FaultRig.start(dir.resolve("home-live"), liveLog, Map.of(),
          List.of("run", liveSpec.toString(), "--store", dir.resolve("store-live").toString(),
              "--tracking-uri", server.uri(), "--parallelism", "1")), liveLog);
      assertEquals(0, live.code(), live.log());

      try (MlflowClient c = new MlflowClient(server.uri())) {
        Map<String, Logged> outage = logged(c, outageExperiment);
        Map<String, Logged> reference = logged(c, liveExperiment);
        assertEquals(FaultRig.TASKS + 1, reference.size(), "a parent and one run per task: " + reference.keySet());
        assertEquals(reference.keySet(), outage.keySet(), "the same runs, each once");
        int metrics = 0;
        int points = 0;
        for (String name : reference.keySet()) {
          Logged want = reference.get(name);
          Logged got = outage.get(name);
          assertEquals(want.params(), got.params(), name + ": params");
          assertEquals(want.tags(), got.tags(), name + ": tags");
          assertEquals(want.status(), got.status(), name + ": status");
          assertEquals(want.metrics().keySet(), got.metrics().keySet(), name + ": metric keys");
          for (String key : want.metrics().keySet()) {
            Map<Long, Double> w = want.metrics().get(key);
            Map<Long, Double> g = got.metrics().get(key);
            assertEquals(w.keySet(), g.keySet(), name + " " + key + ": steps");
            if (!timing(key)) {
              assertEquals(w, g, name + " " + key + ": values");
            }
            metrics++;
            points += g.size();
          }
          assertEquals(RunStatus.FINISHED, got.status(), name);
        }
        System.out.printf("faults: MLflow server stopped mid-run, %d events journaled and synced (%d runs created"
            + " by the sync), %d runs, %d metrics, %d metric points as on a live server, 0 duplicates,"
            + " second sync sent 0%n", sent, created, outage.size(), metrics, points);
      }
    } finally {
      server.stop();
    }
  }

  /** Metrics that measure time or memory: their steps must match, their values may not. */
  private static boolean timing(String key) {
    return key.matches(".*(second|seconds|time|duration|_ms|rss|memory|per_s).*");
  }

  /** What one run holds, with the tags that differ between two executions left out. */
  record Logged(Map<String, String> params, Map<String, String> tags, Map<String, Map<Long, Double>> metrics,
      RunStatus status) {}

  /** @return run name -> what it holds; fails on two runs of one name or a metric step logged twice */
  private static Map<String, Logged> logged(MlflowClient c, String experiment) {
    String id = c.getExperimentByName(experiment).orElseThrow(() -> new AssertionError("no experiment "
        + experiment)).getExperimentId();
    Map<String, Logged> out = new TreeMap<>();
    List<RunInfo> runs = c.searchRuns(List.of(id), "");
    for (RunInfo info : runs) {
      Run run = c.getRun(info.getRunId());
      Map<String, String> params = new TreeMap<>();
      run.getData().getParamsList().forEach(p -> params.put(p.getKey(), stableValue(p.getKey(), p.getValue())));
      Map<String, String> tags = new TreeMap<>();
      run.getData().getTagsList().stream().filter(t -> stableTag(t.getKey()))
          .forEach(t -> tags.put(t.getKey(), stableValue(t.getKey(), t.getValue())));
      Map<String, Map<Long, Double>> metrics = new TreeMap<>();
      for (var latest : run.getData().getMetricsList()) {
        Map<Long, Double> history = new TreeMap<>();
        c.getMetricHistory(info.getRunId(), latest.getKey()).forEach(point -> {
          if (history.put(point.getStep(), point.getValue()) != null) {
            fail(experiment + " run " + info.getRunName() + ": metric " + latest.getKey() + " has step "
                + point.getStep() + " twice");
          }
        });
        metrics.put(latest.getKey(), history);
      }
      // the parent run is named after the pipeline and its start time
      String name = info.getRunName()
          .replaceFirst("^faults \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d$", "faults (parent)");
      if (out.put(name, new Logged(params, tags, metrics, info.getStatus())) != null) {
        fail(experiment + ": two runs named '" + info.getRunName() + "'");
      }
    }
    return out;
  }

  /** Tags that name this execution (run ids, paths, hosts, times) differ between two runs; the rest must not. */
  private static boolean stableTag(String key) {
    return !(key.equals("mlflow.parentRunId") || key.equals("mlflow.runName") || key.startsWith("mlflow.user")
        || key.equals("mlflow.source.name") || key.equals("drelu.artifact") || key.equals("drelu.localRunId")
        || key.startsWith("drelu.owner")
        || key.contains("host") || key.contains("pid") || key.contains("spec") || key.contains("store")
        || key.contains("time") || key.contains("journal") || key.contains("tracking"));
  }

  private static String stableValue(String key, String value) {
    return value.replaceAll("faults-(outage|live)-[0-9a-f-]+", "faults-EXPERIMENT")
        .replaceAll("(store|home)-(outage|live)", "$1-X");
  }

  private static void awaitLine(Path log, String text, Process p) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!(Files.exists(log) && Files.readString(log).contains(text))) {
      assertTrue(p.isAlive(), "the run ended before '" + text + "':\n" + Files.readString(log));
      assertTrue(System.nanoTime() < deadline, "no '" + text + "' within 120 s");
      Thread.sleep(10);
    }
  }
}
