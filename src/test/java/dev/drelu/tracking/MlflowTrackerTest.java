package dev.drelu.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drelu.testing.Slow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.api.proto.Service.RunStatus;
import org.junit.jupiter.api.Test;
import org.mlflow.tracking.MlflowClient;

/** Logs runs online into the real test server and reads every piece back. */
@Slow
class MlflowTrackerTest {

  @Test
  void awkwardValuesReadBackExactly() throws Exception {
    String uri = TestServers.sharedUri();
    String experiment = TestServers.uniqueExperiment("awkward");
    Path dir = TestServers.tempDir("awkward");
    // JSON escapes and non-ASCII in values and run names (MLflow's keys allow only letters, digits,
    // _-./: and space); doubles JSON has no literal for; the smallest and largest doubles, whose
    // text must round-trip to the same bits
    Map<String, String> params = Map.of("quoted", "a \"b\" \\ c", "lambda", "λ=0.01 ü ✓", "tab", "x\ty\nz");
    double[] values = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE,
        Double.MAX_VALUE, 0.1, -0.0, 1e-300};
    String run;
    try (Tracker t = new TrackingConfig(uri, dir.resolve("journal").toString(), experiment).open()) {
      run = t.startRun(null, "run \"ü\"", null, Map.of("note", "line1\nline2 «λ»"));
      t.logBatch(run, params, TestServers.steps("m", values), Map.of("cached", "true"));
      t.endRun(run, RunOutcome.KILLED);
      assertTrue(t.status().online(), "every request was accepted");
    }
    try (MlflowClient c = new MlflowClient(uri)) {
      assertEquals(params, TestServers.params(c, run));
      Map<String, String> tags = TestServers.tags(c, run);
      assertEquals("line1\nline2 «λ»", tags.get("note"));
      assertEquals("true", tags.get("cached"));
      assertEquals("run \"ü\"", c.getRun(run).getInfo().getRunName());
      assertEquals(RunStatus.KILLED, c.getRun(run).getInfo().getStatus());
      // the same values through the MLflow client's typed call (protobuf's JSON): the server must
      // store the same bits either way (it keeps NaN in a flag and may clamp the infinities itself)
      String reference = c.createRun(c.getRun(run).getInfo().getExperimentId()).getRunId();
      List<org.mlflow.api.proto.Service.Metric> typed = new ArrayList<>();
      for (int i = 0; i < values.length; i++) {
        typed.add(org.mlflow.api.proto.Service.Metric.newBuilder().setKey("m").setValue(values[i]).setStep(i)
            .setTimestamp(1L).build());
      }
      c.logBatch(reference, typed, List.of(), List.of());
      Map<Long, Double> ours = TestServers.history(c, run, "m");
      Map<Long, Double> theirs = TestServers.history(c, reference, "m");
      for (int i = 0; i < values.length; i++) {
        assertEquals(Double.doubleToLongBits(theirs.get((long) i)), Double.doubleToLongBits(ours.get((long) i)),
            "step " + i + ": " + values[i] + " came back as " + ours.get((long) i) + ", through the typed call as "
                + theirs.get((long) i));
      }
      assertTrue(Double.isNaN(ours.get(0L)), "NaN stays NaN");
      assertEquals(0.1, ours.get(5L));
      assertEquals(1e-300, ours.get(7L));
    }
  }

  @Test
  void parentAndChildRunsReadBackExactly() throws Exception {
    String uri = TestServers.sharedUri();
    String experiment = TestServers.uniqueExperiment("online");
    Path dir = TestServers.tempDir("online");
    Path artifact = Files.writeString(dir.resolve("report.md"), "# report\nrobust accuracy 0.42\n");
    String longValue = "x".repeat(7000);

    String parent;
    String child;
    try (Tracker t = new TrackingConfig(uri, dir.resolve("journal").toString(), experiment).open()) {
      parent = t.startRun(null, "pipeline", null, Map.of("spec", "mnist.yaml"));
      child = t.startRun(experiment, "train", parent, Map.of("stage", "train"));
      t.logParams(child, Map.of("lr", "0.001", "epochs", "3", "long", longValue));
      t.logMetrics(child, TestServers.steps("loss", 0.9, 0.5, 0.3));
      t.logMetric(child, "acc", 0.75, 2);
      List<MetricPoint> many = new ArrayList<>();
      for (int i = 0; i < 1500; i++) { // more than one logBatch may carry
        many.add(MetricPoint.of("batch.loss", 1.0 / (i + 1), i));
      }
      t.logMetrics(child, many);
      t.setTags(child, Map.of("cached", "no"));
      t.logArtifact(child, artifact, "reports");
      t.endRun(child, RunOutcome.FINISHED);
      t.endRun(parent, RunOutcome.FAILED);

      TrackingStatus s = t.status();
      assertTrue(s.online());
      assertEquals(0, s.eventsJournaled());
      assertNull(s.journalFile());
      assertTrue(t.runUrl(child).startsWith(uri + "/#/experiments/"), t.runUrl(child));
    }
    assertFalse(RunIds.isLocal(parent));
    assertFalse(Files.exists(dir.resolve("journal")), "an online tracker writes no journal");

    try (MlflowClient c = new MlflowClient(uri)) {
      RunInfo pi = c.getRun(parent).getInfo();
      RunInfo ci = c.getRun(child).getInfo();
      assertEquals(pi.getExperimentId(), ci.getExperimentId());
      assertEquals(experiment, c.getExperiment(pi.getExperimentId()).getName());
      assertEquals(RunStatus.FAILED, pi.getStatus());
      assertEquals(RunStatus.FINISHED, ci.getStatus());
      assertEquals("pipeline", pi.getRunName());
      assertEquals("train", ci.getRunName());

      Map<String, String> tags = TestServers.tags(c, child);
      assertEquals(parent, tags.get(Tracker.PARENT_RUN_ID_TAG));
      assertEquals("train", tags.get("stage"));
      assertEquals("no", tags.get("cached"));
      assertEquals("mnist.yaml", TestServers.tags(c, parent).get("spec"));

      Map<String, String> params = TestServers.params(c, child);
      assertEquals("0.001", params.get("lr"));
      assertEquals("3", params.get("epochs"));
      assertEquals(MlflowLimits.MAX_PARAM_VALUE, params.get("long").length());
      assertTrue(params.get("long").endsWith("chars]"), "truncated with a marker");

      assertEquals(Map.of(0L, 0.9, 1L, 0.5, 2L, 0.3), TestServers.history(c, child, "loss"));
      assertEquals(Map.of(2L, 0.75), TestServers.history(c, child, "acc"));
      assertEquals(1500, TestServers.history(c, child, "batch.loss").size());

      assertEquals("# report\nrobust accuracy 0.42\n", TestServers.downloadArtifact(uri, child, "reports/report.md"));
    }
  }

  /** One batch (what a reused stage logs) lands params, metrics and tags online, and offline through the journal. */
  @Test
  void aBatchLandsLikeTheSeparateCallsOnlineAndThroughTheJournal() throws Exception {
    String uri = TestServers.sharedUri();
    Map<String, String> params = Map.of("attack.method", "pgd", "attack.steps", "20");
    List<MetricPoint> metrics = TestServers.steps("robust_accuracy", 0.086);
    Map<String, String> tags = Map.of("drelu.summary.attack", "pgd");
    Path dir = TestServers.tempDir("batch");
    String online;
    try (Tracker t = new MlflowTracker(uri, dir.resolve("online"), TestServers.uniqueExperiment("batch"))) {
      online = t.startRun(null, "attack pgd", null, Map.of());
      t.logBatch(online, params, metrics, tags);
      t.endRun(online, RunOutcome.FINISHED);
      assertEquals(0, t.status().eventsJournaled());
    }
    Path journals = dir.resolve("offline");
    String experiment = TestServers.uniqueExperiment("batch-offline");
    try (Tracker t = new MlflowTracker(TestServers.deadUri(), journals, experiment)) {
      String run = t.startRun(null, "attack pgd", null, Map.of());
      t.logBatch(run, params, metrics, tags);
      t.endRun(run, RunOutcome.FINISHED);
      assertEquals(5, t.status().eventsJournaled(), "start, params, metrics, tags, end");
    }
    SyncReport sync = new JournalReplayer(uri).replay(journals);
    assertTrue(sync.complete(), sync.toString());
    try (MlflowClient c = new MlflowClient(uri)) {
      String replayed = c.searchRuns(List.of(c.getExperimentByName(experiment).orElseThrow().getExperimentId()), "")
          .get(0).getRunId();
      for (String run : List.of(online, replayed)) {
        assertEquals("pgd", TestServers.params(c, run).get("attack.method"));
        assertEquals("20", TestServers.params(c, run).get("attack.steps"));
        assertEquals(Map.of(0L, 0.086), TestServers.history(c, run, "robust_accuracy"));
        assertEquals("pgd", TestServers.tags(c, run).get("drelu.summary.attack"));
        assertEquals(RunStatus.FINISHED, c.getRun(run).getInfo().getStatus());
      }
    }
  }

  @Test
  void invalidRequestsWarnAndGoOnWithoutJournaling() throws Exception {
    String uri = TestServers.sharedUri();
    Path dir = TestServers.tempDir("rejected");
    try (Tracker t = new MlflowTracker(uri, dir, TestServers.uniqueExperiment("rejected"))) {
      String run = t.startRun(null, "r", null, Map.of());
      t.logParams(run, Map.of("p", "1"));
      t.logParams(run, Map.of("p", "2")); // MLflow refuses to change a logged param: 400
      t.logMetric("0123456789abcdef0123456789abcdef", "m", 1, 0); // no such run: 404
      t.logMetric(run, "m", 1, 0);
      t.endRun(run, RunOutcome.FINISHED);
      assertTrue(t.status().online(), "a 4xx is not 'server down'");
      assertEquals(0, t.status().eventsJournaled());
      try (MlflowClient c = new MlflowClient(uri)) {
        assertEquals("1", TestServers.params(c, run).get("p"));
        assertEquals(Map.of(0L, 1.0), TestServers.history(c, run, "m"));
      }
    }
  }

  @Test
  void badArgumentsSayWhatToDo() throws Exception {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new TrackingConfig("file:///tmp/mlruns", "/tmp/j", "x"));
    assertTrue(e.getMessage().contains("tracking URI must start with http://"), e.getMessage());
    assertTrue(e.getMessage().contains("mlflow-server.sh start"), e.getMessage());

    e = assertThrows(IllegalArgumentException.class, () -> new TrackingConfig("http://127.0.0.1:1", " ", "x"));
    assertTrue(e.getMessage().contains("journal folder"), e.getMessage());

    try (Tracker t = new MlflowTracker(TestServers.deadUri(), TestServers.tempDir("args"), "x")) {
      e = assertThrows(IllegalArgumentException.class,
          () -> t.logArtifact("run", Path.of("/no/such/file.txt"), null));
      assertTrue(e.getMessage().contains("/no/such/file.txt"), e.getMessage());
    }
  }

  @Test
  void disabledTrackerRecordsNothing() {
    try (Tracker t = TrackingConfig.disabled().open()) {
      String run = t.startRun("e", "r", null, Map.of());
      assertNotNull(run);
      t.logMetric(run, "m", 1, 0);
      t.endRun(run, RunOutcome.FINISHED);
      assertFalse(t.status().online());
      assertEquals(0, t.status().eventsJournaled());
      assertNull(t.runUrl(run));
    }
  }

  @Test
  void truncationKeepsTheLimitAndSaysHowMuchWasCut() {
    String cut = MlflowLimits.truncate("a".repeat(10_000), 6000);
    assertEquals(6000, cut.length());
    int kept = cut.indexOf("...");
    assertTrue(cut.endsWith("...[truncated " + (10_000 - kept) + " chars]"), cut.substring(kept));
    assertEquals("short", MlflowLimits.truncate("short", 6000));
    String k1 = MlflowLimits.key("k".repeat(300) + "1");
    String k2 = MlflowLimits.key("k".repeat(300) + "2");
    assertEquals(MlflowLimits.MAX_KEY, k1.length());
    assertFalse(k1.equals(k2), "distinct long keys stay distinct");
  }
}
