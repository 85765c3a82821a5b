package dev.drelu.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drelu.testing.Slow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.api.proto.Service.RunStatus;
import org.mlflow.tracking.MlflowClient;

/**
 * The server goes away in the middle of a run: the test runs its own server with
 * tracking/mlflow-server.sh, stops it mid-run, starts it again and syncs.
 */
@Slow
class ServerDiesMidRunTest {

  @Test
  void nothingLoggedBeforeOrAfterTheOutageIsLostOrDoubled() throws Exception {
    Path home = TestServers.tempDir("own-server");
    dev.drelu.testing.MlflowScriptServer server = new dev.drelu.testing.MlflowScriptServer(home, TestServers.freePort());
    Path journals = home.resolve("journal");
    String experiment = TestServers.uniqueExperiment("dies");
    Path artifact = Files.writeString(home.resolve("model.json"), "{\"arch\":\"mlp\"}");
    server.start();
    try {
      String parent;
      String child;
      String late;
      try (Tracker t = new MlflowTracker(server.uri(), journals, experiment)) {
        parent = t.startRun(null, "pipeline", null, Map.of());
        child = t.startRun(null, "train", parent, Map.of("stage", "train"));
        t.logParams(child, Map.of("before", "1"));
        t.logMetrics(child, List.of(MetricPoint.of("loss", 0.9, 0), MetricPoint.of("loss", 0.8, 1),
            MetricPoint.of("loss", 0.7, 2)));
        assertTrue(t.status().online());

        server.stop();

        t.logMetrics(child, List.of(MetricPoint.of("loss", 0.6, 3), MetricPoint.of("loss", 0.5, 4),
            MetricPoint.of("loss", 0.4, 5)));
        TrackingStatus s = t.status();
        assertFalse(s.online());
        assertEquals(1, s.eventsJournaled(), "the failed call itself is journaled");
        t.logParams(child, Map.of("after", "2"));
        t.setTags(child, Map.of("phase", "after-outage"));
        t.logArtifact(child, artifact, "model");
        late = t.startRun(null, "evaluate", parent, Map.of());
        assertTrue(RunIds.isLocal(late));
        t.logMetric(late, "acc", 0.66, 0);
        t.endRun(late, RunOutcome.FINISHED);
        t.endRun(child, RunOutcome.FINISHED);
        t.endRun(parent, RunOutcome.KILLED);
        assertEquals(9, t.status().eventsJournaled());
      }

      server.start();
      SyncReport report = new JournalReplayer(server.uri()).replay(journals);
      assertTrue(report.complete(), report.toString());
      assertEquals(9, report.eventsSent());
      assertEquals(1, report.runsCreated());
      assertEquals(0, new JournalReplayer(server.uri()).replay(journals).eventsSent());

      try (MlflowClient c = new MlflowClient(server.uri())) {
        String expId = c.getExperimentByName(experiment).orElseThrow().getExperimentId();
        List<RunInfo> runs = c.searchRuns(List.of(expId), "");
        assertEquals(3, runs.size());
        assertEquals(Map.of(0L, 0.9, 1L, 0.8, 2L, 0.7, 3L, 0.6, 4L, 0.5, 5L, 0.4),
            TestServers.history(c, child, "loss"));
        assertEquals(6, c.getMetricHistory(child, "loss").size());
        assertEquals(Map.of("before", "1", "after", "2"), TestServers.params(c, child));
        assertEquals("after-outage", TestServers.tags(c, child).get("phase"));
        assertEquals("{\"arch\":\"mlp\"}", TestServers.downloadArtifact(server.uri(), child, "model/model.json"));
        assertEquals(RunStatus.FINISHED, c.getRun(child).getInfo().getStatus());
        assertEquals(RunStatus.KILLED, c.getRun(parent).getInfo().getStatus());

        String lateId = runs.stream().filter(r -> r.getRunName().equals("evaluate")).findFirst()
            .orElseThrow().getRunId();
        assertEquals(parent, TestServers.tags(c, lateId).get(Tracker.PARENT_RUN_ID_TAG));
        assertEquals(Map.of(0L, 0.66), TestServers.history(c, lateId, "acc"));
        assertEquals(RunStatus.FINISHED, c.getRun(lateId).getInfo().getStatus());
      }
    } finally {
      server.stop();
    }
  }
}
