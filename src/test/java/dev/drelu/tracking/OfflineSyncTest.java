package dev.drelu.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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

/** A server that is down from the start: everything is journaled, then a sync delivers it all. */
@Slow
class OfflineSyncTest {

  @Test
  void journaledRunsAcrossTwoTrackersSyncOnceAndCompletely() throws Exception {
    String live = TestServers.sharedUri();
    String dead = TestServers.deadUri();
    String experiment = TestServers.uniqueExperiment("offline");
    Path dir = TestServers.tempDir("offline");
    Path journals = dir.resolve("journal");
    Path artifact = Files.writeString(dir.resolve("table.csv"), "eps,acc\n0.1,0.5\n");
    TrackingConfig config = new TrackingConfig(dead, journals.toString(), experiment);

    String parent;
    String child;
    Path parentJournal;
    Path childJournal;
    // Two trackers, as two Beam workers would have: the child's journal names a parent from the other.
    try (Tracker a = config.open(); Tracker b = config.open()) {
      long t0 = System.nanoTime();
      parent = a.startRun(null, "pipeline", null, Map.of("spec", "x.yaml"));
      TrackingStatus s = a.status();
      assertFalse(s.online());
      assertNotNull(s.offlineReason());
      assertEquals(1, s.eventsJournaled());
      assertTrue(RunIds.isLocal(parent), parent);
      assertNull(a.runUrl(parent));

      child = b.startRun(null, "attack", parent, Map.of("stage", "attack"));
      b.logParams(child, Map.of("eps", "0.1"));
      b.logMetrics(child, TestServers.steps("acc", 0.9, 0.8, 0.7));
      b.setTags(child, Map.of("cached", "yes"));
      b.logArtifact(child, artifact, null);
      Files.delete(artifact); // the journal holds its own copy
      b.endRun(child, RunOutcome.FINISHED);
      a.logMetric(parent, "runs", 1, 0);
      a.endRun(parent, RunOutcome.FINISHED);
      // Offline means no network wait per call after the first failure.
      assertTrue((System.nanoTime() - t0) / 1e9 < 10, "offline calls must not wait on the network");
      assertEquals(3, a.status().eventsJournaled());
      assertEquals(6, b.status().eventsJournaled());
      parentJournal = a.status().journalFile();
      childJournal = b.status().journalFile();
      assertFalse(parentJournal.equals(childJournal), "each tracker has its own journal");
    }
    for (String line : Files.readAllLines(childJournal)) {
      assertTrue(line.contains("\"seq\":") && line.contains("\"ts\":"), "self-contained line: " + line);
    }

    SyncReport first = new JournalReplayer(live).replay(journals);
    assertTrue(first.complete(), first.toString());
    assertEquals(2, first.files());
    assertEquals(2, first.filesSynced());
    assertEquals(9, first.eventsSent());
    assertEquals(2, first.runsCreated());
    assertEquals(0, first.remaining());
    assertFalse(Files.exists(parentJournal));
    assertTrue(Files.exists(Path.of(parentJournal + ".synced")));
    assertTrue(Files.exists(Path.of(childJournal + ".synced")));

    SyncReport second = new JournalReplayer(live).replay(journals);
    assertEquals(new SyncReport(0, 0, 0, 0, 0, 0, 0, null), second);

    try (MlflowClient c = new MlflowClient(live)) {
      List<RunInfo> runs = c.searchRuns(
          List.of(c.getExperimentByName(experiment).orElseThrow().getExperimentId()), "");
      assertEquals(2, runs.size(), "exactly the two journaled runs, no duplicates");
      String parentId = runId(c, runs, "pipeline");
      String childId = runId(c, runs, "attack");
      Map<String, String> childTags = TestServers.tags(c, childId);
      assertEquals(parentId, childTags.get(Tracker.PARENT_RUN_ID_TAG));
      assertEquals("attack", childTags.get("stage"));
      assertEquals("yes", childTags.get("cached"));
      assertEquals(child, childTags.get(RunIds.LOCAL_ID_TAG));
      assertEquals("x.yaml", TestServers.tags(c, parentId).get("spec"));
      assertEquals(Map.of("eps", "0.1"), TestServers.params(c, childId));
      assertEquals(Map.of(0L, 0.9, 1L, 0.8, 2L, 0.7), TestServers.history(c, childId, "acc"));
      assertEquals(Map.of(0L, 1.0), TestServers.history(c, parentId, "runs"));
      assertEquals(RunStatus.FINISHED, c.getRun(childId).getInfo().getStatus());
      assertEquals(RunStatus.FINISHED, c.getRun(parentId).getInfo().getStatus());
      assertEquals("eps,acc\n0.1,0.5\n", TestServers.downloadArtifact(live, childId, "table.csv"));
    }
  }

  private static String runId(MlflowClient c, List<RunInfo> runs, String name) {
    return runs.stream().filter(r -> r.getRunName().equals(name)).findFirst().orElseThrow().getRunId();
  }
}
