package dev.drelu.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drelu.testing.KilledRunOwner;
import dev.drelu.testing.Slow;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mlflow.api.proto.Service.CreateRun;
import org.mlflow.api.proto.Service.Metric;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.api.proto.Service.RunStatus;
import org.mlflow.api.proto.Service.RunTag;
import org.mlflow.tracking.MlflowClient;

/**
 * Runs of a process killed with SIGKILL (a real child JVM) are marked KILLED by the next tracker,
 * with their process's last logged activity as end time; runs of live processes, of other hosts,
 * and runs a pending journal still speaks for stay RUNNING. Against the real test server.
 */
@Slow
class DeadOwnerRunsTest {

  @Test
  void theNextTrackerEndsOnlyTheRunsOfTheKilledProcess() throws Exception {
    String uri = TestServers.sharedUri();
    String experiment = TestServers.uniqueExperiment("dead-owner");
    Path dir = TestServers.tempDir("dead-owner");
    Path journals = dir.resolve("journal");

    KilledRunOwner.Killed killed = KilledRunOwner.spawnAndKill(uri, journals, experiment, dir.resolve("child"));

    try (MlflowClient c = new MlflowClient(uri);
        Tracker t = new MlflowTracker(uri, journals, experiment)) {
      Map<String, String> killedTags = TestServers.tags(c, killed.childRunId());
      assertEquals(killed.pid() + "@" + ProcessOwner.current().host(), killedTags.get(ProcessOwner.OWNER_TAG));
      String expId = c.getRun(killed.childRunId()).getInfo().getExperimentId();

      String live = t.startRun(null, "live", null, Map.of()); // owned by this test JVM, which is alive
      long now = System.currentTimeMillis();
      String foreign = createRun(c, expId, "other host", now,
          Map.of(ProcessOwner.OWNER_TAG, killed.pid() + "@elsewhere.invalid"));
      // the dead process's run whose end a journal still holds: the sync, not the sweep, must end it
      Map<String, String> deadOwner = new HashMap<>();
      deadOwner.put(ProcessOwner.OWNER_TAG, killedTags.get(ProcessOwner.OWNER_TAG));
      deadOwner.put(ProcessOwner.OWNER_STARTED_TAG, killedTags.get(ProcessOwner.OWNER_STARTED_TAG));
      // (started while that process lived, as all its runs were)
      String journaledEnd = createRun(c, expId, "end in journal",
          c.getRun(killed.childRunId()).getInfo().getStartTime(), deadOwner);
      try (Tracker offline = new MlflowTracker(TestServers.deadUri(), journals, experiment)) {
        offline.endRun(journaledEnd, RunOutcome.FINISHED);
      }

      assertEquals(2, t.endRunsOfDeadProcesses(experiment), "the killed process's parent and child run");

      long lastActivity = c.getMetricHistory(killed.childRunId(), "loss").stream()
          .mapToLong(Metric::getTimestamp).max().orElseThrow();
      for (String id : List.of(killed.parentRunId(), killed.childRunId())) {
        RunInfo info = c.getRun(id).getInfo();
        assertEquals(RunStatus.KILLED, info.getStatus(), id);
        assertEquals(lastActivity, info.getEndTime(), "ends at the dead process's last logged metric: " + id);
        String reason = TestServers.tags(c, id).get(DeadOwnerRuns.REASON_TAG);
        assertNotNull(reason, "says why drelu ended it");
        assertTrue(reason.contains("process " + killed.pid() + "@"), reason);
      }
      assertEquals(RunStatus.RUNNING, c.getRun(live).getInfo().getStatus(), "its process is alive");
      assertEquals(RunStatus.RUNNING, c.getRun(foreign).getInfo().getStatus(), "another host's pid says nothing here");
      assertEquals(RunStatus.RUNNING, c.getRun(journaledEnd).getInfo().getStatus(), "its end waits in the journal");
      assertEquals(0, t.endRunsOfDeadProcesses(experiment), "a second sweep finds nothing more");

      SyncReport sync = new JournalReplayer(uri).replay(journals);
      assertTrue(sync.complete(), sync.toString());
      assertEquals(RunStatus.FINISHED, c.getRun(journaledEnd).getInfo().getStatus(), "the journaled end, not KILLED");

      t.endRun(live, RunOutcome.FINISHED);
      c.setTerminated(foreign, RunStatus.FINISHED);
    }
  }

  @Test
  void aSyncEndsTheJournaledRunsOfAKilledProcess() throws Exception {
    String uri = TestServers.sharedUri();
    String experiment = TestServers.uniqueExperiment("dead-owner-offline");
    Path dir = TestServers.tempDir("dead-owner-offline");
    Path journals = dir.resolve("journal");

    // server down: the child journals its runs, then dies without ending them
    KilledRunOwner.Killed killed = KilledRunOwner.spawnAndKill(TestServers.deadUri(), journals, experiment,
        dir.resolve("child"));
    assertTrue(RunIds.isLocal(killed.parentRunId()), killed.parentRunId());
    String live;
    try (Tracker t = new MlflowTracker(TestServers.deadUri(), journals, experiment)) {
      live = t.startRun(null, "live, journaled", null, Map.of()); // this JVM is alive: stays RUNNING
    }

    SyncReport sync = new JournalReplayer(uri).replay(journals);
    assertTrue(sync.complete(), sync.toString());
    assertEquals(3, sync.runsCreated());
    assertEquals(2, sync.runsKilled(), sync.toString());

    try (MlflowClient c = new MlflowClient(uri)) {
      String expId = c.getExperimentByName(experiment).orElseThrow().getExperimentId();
      Map<String, RunInfo> byName = new HashMap<>();
      c.searchRuns(List.of(expId), "").forEach(r -> byName.put(r.getRunName(), r));
      assertEquals(3, byName.size(), byName.keySet().toString());
      RunInfo stage = byName.get("killed stage");
      long lastActivity = c.getMetricHistory(stage.getRunId(), "loss").stream()
          .mapToLong(Metric::getTimestamp).max().orElseThrow();
      for (String name : List.of("killed pipeline", "killed stage")) {
        RunInfo info = byName.get(name);
        assertEquals(RunStatus.KILLED, info.getStatus(), name);
        assertEquals(lastActivity, info.getEndTime(), name);
      }
      RunInfo liveRun = byName.get("live, journaled");
      assertEquals(RunStatus.RUNNING, liveRun.getStatus(), "its process (this JVM) is alive");
      assertEquals(live, TestServers.tags(c, liveRun.getRunId()).get(RunIds.LOCAL_ID_TAG));
      c.setTerminated(liveRun.getRunId(), RunStatus.FINISHED);
    }
    assertEquals(0, new JournalReplayer(uri).replay(journals).runsKilled(), "a second sync has nothing to end");
  }

  private static String createRun(MlflowClient c, String expId, String name, long start, Map<String, String> tags) {
    CreateRun.Builder req = CreateRun.newBuilder().setExperimentId(expId).setRunName(name).setStartTime(start);
    tags.forEach((k, v) -> req.addTags(RunTag.newBuilder().setKey(k).setValue(v)));
    return c.createRun(req.build()).getRunId();
  }
}
