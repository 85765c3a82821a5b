package dev.drelu.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drelu.testing.Slow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.tracking.MlflowClient;

/** The server fails part way through a sync; the next sync finishes without duplicates. */
@Slow
class PartialSyncTest {

  @Test
  void syncInterruptedMidwayResumesWhereItStopped() throws Exception {
    String live = TestServers.sharedUri();
    TrackingConfig config = new TrackingConfig(TestServers.deadUri(),
        TestServers.tempDir("partial").resolve("journal").toString(), TestServers.uniqueExperiment("partial"));
    Path journals = Path.of(config.journalDir());
    String parent;
    String first;
    String second;
    Path childJournal;
    try (Tracker a = config.open(); Tracker b = config.open()) {
      parent = a.startRun(null, "pipeline", null, Map.of());
      pause();
      a.endRun(parent, RunOutcome.FINISHED);
      pause();
      first = b.startRun(null, "first", parent, Map.of());
      pause();
      b.logMetrics(first, TestServers.steps("loss", 3, 2, 1));
      pause();
      second = b.startRun(null, "second", parent, Map.of());
      pause();
      b.logMetrics(second, TestServers.steps("loss", 6, 5, 4));
      b.endRun(second, RunOutcome.FINISHED);
      b.endRun(first, RunOutcome.FINISHED);
      childJournal = b.status().journalFile();
    }

    // Runs are created in order pipeline, first, second: the outage starts at the third creation,
    // after pipeline's two events and first's start and metrics went through.
    SyncReport partial;
    try (FaultyProxy proxy = new FaultyProxy(live, "/runs/create", 2)) {
      partial = new JournalReplayer(proxy.uri()).replay(journals);
    }
    assertNotNull(partial.failure(), partial.toString());
    assertTrue(partial.failure().contains("503"), partial.failure());
    assertEquals(4, partial.eventsSent(), partial.toString());
    assertEquals(2, partial.runsCreated());
    assertEquals(1, partial.filesSynced(), "the parent's journal was sent completely");
    assertEquals(4, partial.remaining());
    String rewritten = Files.readString(childJournal);
    assertTrue(rewritten.contains("\"type\":\"BIND\",\"runId\":\"" + parent), "the parent's binding travels along:\n" + rewritten);
    assertFalse(rewritten.contains("\"runName\":\"first\""), "sent events are gone:\n" + rewritten);

    SyncReport rest = new JournalReplayer(live).replay(journals);
    assertTrue(rest.complete(), rest.toString());
    assertEquals(4, rest.eventsSent());
    assertEquals(1, rest.runsCreated());

    try (MlflowClient c = new MlflowClient(live)) {
      List<RunInfo> runs = c.searchRuns(
          List.of(c.getExperimentByName(config.experimentName()).orElseThrow().getExperimentId()), "");
      assertEquals(3, runs.size(), "no run created twice");
      String parentId = id(runs, "pipeline");
      for (String name : List.of("first", "second")) {
        String id = id(runs, name);
        assertEquals(parentId, TestServers.tags(c, id).get(Tracker.PARENT_RUN_ID_TAG));
        assertEquals(3, c.getMetricHistory(id, "loss").size(), name + ": every point exactly once");
      }
      assertEquals(Map.of(0L, 6.0, 1L, 5.0, 2L, 4.0), TestServers.history(c, id(runs, "second"), "loss"));
    }
  }

  @Test
  void replayingTheSameEventsTwiceAddsNothing() throws Exception {
    // A sync whose answers were lost re-sends: runs are found by their local-id tag, metric points
    // keep their timestamps and MLflow ignores exact repeats.
    String live = TestServers.sharedUri();
    Path journals = TestServers.tempDir("resend").resolve("journal");
    TrackingConfig config = new TrackingConfig(TestServers.deadUri(), journals.toString(),
        TestServers.uniqueExperiment("resend"));
    Path journal;
    try (Tracker t = config.open()) {
      String run = t.startRun(null, "r", null, Map.of());
      t.logMetrics(run, TestServers.steps("m", 1, 2));
      t.logParams(run, Map.of("p", "v"));
      journal = t.status().journalFile();
    }
    Path copy = journals.resolve("copy-" + journal.getFileName());
    Files.copy(journal, copy);
    assertTrue(new JournalReplayer(live).replay(journals).complete());
    try (MlflowClient c = new MlflowClient(live)) {
      List<RunInfo> runs = c.searchRuns(
          List.of(c.getExperimentByName(config.experimentName()).orElseThrow().getExperimentId()), "");
      assertEquals(1, runs.size());
      assertEquals(2, c.getMetricHistory(runs.get(0).getRunId(), "m").size());
    }
  }

  private static String id(List<RunInfo> runs, String name) {
    return runs.stream().filter(r -> r.getRunName().equals(name)).findFirst().orElseThrow().getRunId();
  }

  private static void pause() throws InterruptedException {
    Thread.sleep(5); // distinct timestamps make the cross-journal order of this test exact
  }
}
