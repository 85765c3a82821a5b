package dev.drelu.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drelu.store.ArtifactStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import dev.drelu.testing.Slow;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 at N seeded random moments of the tiny pipeline, each in a fresh store, then the same
 * command again: every rerun ends with the reference table (byte for byte), the same models,
 * diagnostics and summaries, and a store that `drelu cache verify` finds clean, both right after
 * the kill and after the rerun.
 *
 * <p>The moments cover start-up and prepare, training and the attacks in turn: kill i waits for
 * its anchor (the process start, a training's first committed checkpoint, the first attack line),
 * then for a seeded random delay (a share of the reference run's wall time). N is {@code
 * -Ddrelu.faults.kills} (default 8), the seed {@code
 * -Ddrelu.faults.seed} (default 9).
 */
@Slow
class KillAtRandomMomentsTest {
  @TempDir Path dir;

  @Test
  void everyKilledRunReachesTheReferenceTableOnRerun() throws Exception {
    int kills = Integer.getInteger("drelu.faults.kills", 8);
    long seed = Long.getLong("drelu.faults.seed", 9);
    Path spec = FaultRig.writeSpec(dir, "faults");
    Path home = dir.resolve("home");
    FaultRig.Reference ref = FaultRig.reference();
    long referenceNanos = ref.nanos();
    String table = ref.table();
    Map<String, String> files = ref.files();

    Random random = new Random(seed);
    Map<String, Integer> phases = new TreeMap<>();
    int killedAlive = 0;
    int identical = 0;
    int verifiedClean = 0;
    int resumed = 0;
    for (int i = 0; i < kills; i++) {
      // kill i waits for its anchor (the process start, a first checkpoint, the first attack),
      // then a seeded random delay: a share of the reference run's time, more for the start-up
      String anchor = ANCHORS.get(i % ANCHORS.size());
      double share = anchor.isEmpty() ? 0.6 : anchor.equals(CHECKPOINT) ? 0.03 : 0.15;
      long delay = (long) (referenceNanos * share * random.nextDouble());
      Path store = dir.resolve("kill-" + i);
      Path log = dir.resolve("kill-" + i + ".log");
      Process p = FaultRig.start(home, log, Map.of(), FaultRig.runArgs(spec, store));
      boolean endedFirst = !awaitAnchor(log, store, anchor, p) || p.waitFor(delay, TimeUnit.NANOSECONDS);
      String when = "kill " + i + " at " + (anchor.isEmpty() ? "start" : anchor.trim()) + " + " + delay / 1_000_000
          + " ms";
      p.destroyForcibly(); // SIGKILL: no shutdown hooks, no cleanup
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the killed JVM is gone");
      if (!endedFirst) {
        killedAlive++;
      }
      String phase = endedFirst ? "after the end" : phaseOf(Files.readString(log));
      phases.merge(phase, 1, Integer::sum);

      // what a kill leaves committed must be complete (the check `cache verify` makes, in this JVM)
      for (ArtifactStore.Checked c : ArtifactStore.open(store.toString()).checkAll()) {
        assertTrue(c.result() instanceof ArtifactStore.Hit,
            when + " (" + phase + ") left " + c.location() + ": " + c.result());
      }

      FaultRig.Result rerun = FaultRig.runOffline(home, dir.resolve("rerun-" + i + ".log"), spec, store);
      assertEquals(0, rerun.code(), "rerun after " + when + " (" + phase + "):\n" + rerun.log());
      if (rerun.log().contains("resuming after epoch")) {
        resumed++;
      }
      assertEquals(table, FaultRig.table(store),
          "rerun after " + when + " (" + phase + ") gives another table; logs in " + dir);
      assertEquals(files, FaultRig.reproducibleFiles(store), "rerun after " + when + " (" + phase + ")");
      identical++;
      FaultRig.Result verify = FaultRig.verify(home, dir.resolve("verify-" + i + ".log"), store);
      assertEquals(0, verify.code(), verify.log());
      assertTrue(verify.log().contains(FaultRig.TASKS + " artifact(s) checked, 0 corrupt"), verify.log());
      verifiedClean++;
    }
    assertTrue(killedAlive >= kills / 2, "most kills must hit a live run: " + phases);
    assertTrue(kills < ANCHORS.size() || phases.containsKey("train"), "a kill must land in training: " + phases);
    System.out.printf("faults: %d kills at seeded moments (seed %d; %d while running: %s), %d identical reruns"
        + " (%d resumed a checkpoint), verify clean %d/%d%n", kills, seed, killedAlive, phases, identical,
        resumed, verifiedClean, kills);
  }

  /** A training's first checkpoint (its LATEST pointer) is committed. */
  private static final String CHECKPOINT = "checkpoint";

  /** Where the kills start counting: the process start, a training's first checkpoint, the first attack line. */
  private static final List<String> ANCHORS = List.of("", CHECKPOINT, "[attack ");

  /** @return false if the process ended before the anchor */
  private static boolean awaitAnchor(Path log, Path store, String anchor, Process p) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(FaultRig.RUN_TIMEOUT_SECONDS);
    while (!anchor.isEmpty() && !(anchor.equals(CHECKPOINT) ? hasCheckpoint(store)
        : Files.exists(log) && Files.readString(log).contains(anchor))) {
      if (!p.isAlive()) {
        return false;
      }
      assertTrue(System.nanoTime() < deadline, "no " + anchor + " for " + log);
      Thread.sleep(5);
    }
    return true;
  }

  private static boolean hasCheckpoint(Path store) throws Exception {
    for (Path work : FaultRig.list(store.resolve(".work/train"))) {
      if (Files.exists(work.resolve("LATEST"))) {
        return true;
      }
    }
    return false;
  }

  /** @return the stage the killed run was in: the one of its last progress line */
  private static String phaseOf(String log) {
    List<String> lines = log.lines().filter(l -> l.startsWith("[")).toList();
    if (lines.isEmpty()) {
      return "start-up";
    }
    String last = lines.get(lines.size() - 1);
    String word = last.substring(1).split("[ \\]]", 2)[0];
    return switch (word) {
      case "plan" -> "prepare";
      case "checkpoint" -> "train";
      default -> word;
    };
  }
}
