package dev.drelu.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drelu.store.ArtifactStore;
import dev.drelu.store.Json;
import dev.drelu.store.LockOwner;
import dev.drelu.testing.Slow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real processes on one store, each running the same task through StageRunner (see
 * {@link TinyStageMain}): the task is computed once, the second process waits for the first,
 * says whom it waits for, and reuses its result; a lock left by a dead process is reclaimed.
 */
@Slow
class ConcurrentRunsTest {
  private static final long WAIT_SECONDS = 120;

  @TempDir Path dir;

  @Test
  void theSecondRunWaitsForTheFirstAndReusesItsResult() throws Exception {
    Path store = dir.resolve("store");
    Process first = start("first");
    Path started = dir.resolve("started");
    awaitFile(started, first);
    long firstPid = Long.parseLong(Files.readString(started));
    assertEquals(first.pid(), firstPid);

    Process second = start("second");
    String expected = "waiting for pid " + first.pid() + " on host " + LockOwner.thisHost();
    awaitLine(dir.resolve("second.log"), expected, second);
    assertEquals(List.of(Long.toString(first.pid())), computations(), "the second run must not compute too");

    Files.writeString(dir.resolve("gate"), "go");
    assertTrue(first.waitFor(WAIT_SECONDS, TimeUnit.SECONDS) && second.waitFor(WAIT_SECONDS, TimeUnit.SECONDS));
    String secondLog = Files.readString(dir.resolve("second.log"));
    assertEquals(0, first.exitValue(), Files.readString(dir.resolve("first.log")));
    assertEquals(0, second.exitValue(), secondLog);
    assertTrue(secondLog.contains("reused (committed by another run meanwhile)"), secondLog);
    assertTrue(secondLog.contains("by " + first.pid()), "the second run returns the first's artifact: " + secondLog);
    assertEquals(List.of(Long.toString(first.pid())), computations(), "computed exactly once");
    ArtifactStore s = ArtifactStore.open(store.toString());
    assertTrue(s.find(Stage.SUMMARISE.key(), TinyStageMain.KEY).isPresent());
    assertFalse(Files.exists(s.locks().file(Stage.SUMMARISE.key(), TinyStageMain.KEY)), "the lock is released");
  }

  @Test
  void whenTheHolderIsKilledTheWaitingRunReclaimsTheLockAndComputes() throws Exception {
    Process first = start("first");
    awaitFile(dir.resolve("started"), first);
    Process second = start("second");
    awaitLine(dir.resolve("second.log"), "waiting for pid " + first.pid(), second);

    first.destroyForcibly(); // SIGKILL: its lock file stays behind
    assertTrue(first.waitFor(WAIT_SECONDS, TimeUnit.SECONDS));
    Files.writeString(dir.resolve("gate"), "go");
    assertTrue(second.waitFor(WAIT_SECONDS, TimeUnit.SECONDS));
    String log = Files.readString(dir.resolve("second.log"));
    assertEquals(0, second.exitValue(), log);
    assertTrue(log.contains("reclaimed the stale lock") && log.contains("pid " + first.pid()), log);
    assertEquals(List.of(Long.toString(first.pid()), Long.toString(second.pid())), computations(),
        "the killed run started the work, the waiting run did it again");
    ArtifactStore s = ArtifactStore.open(dir.resolve("store").toString());
    assertTrue(s.find(Stage.SUMMARISE.key(), TinyStageMain.KEY).isPresent());
    assertTrue(log.contains("by " + second.pid()), log);
  }

  @Test
  void aLockLeftByADeadProcessIsReclaimedAndTheTaskRuns() throws Exception {
    ArtifactStore s = ArtifactStore.open(dir.resolve("store").toString());
    Path lock = s.locks().file(Stage.SUMMARISE.key(), TinyStageMain.KEY);
    Files.createDirectories(lock.getParent());
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Files.writeString(lock, Json.canonical(new LockOwner(gone.pid(), LockOwner.thisHost(),
        Instant.now().toString(), null, "left-by-a-kill")));
    Files.writeString(dir.resolve("gate"), "go"); // nothing to hold the lock for

    Process run = start("run");
    assertTrue(run.waitFor(WAIT_SECONDS, TimeUnit.SECONDS));
    String log = Files.readString(dir.resolve("run.log"));
    assertEquals(0, run.exitValue(), log);
    assertTrue(log.contains("reclaimed the stale lock " + lock) && log.contains("pid " + gone.pid()), log);
    assertEquals(List.of(Long.toString(run.pid())), computations());
    assertTrue(s.find(Stage.SUMMARISE.key(), TinyStageMain.KEY).isPresent());
    assertFalse(Files.exists(lock));
  }

  private Process start(String name) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), TinyStageMain.class.getName(),
        dir.resolve("store").toString(), dir.resolve("computations.log").toString(),
        dir.resolve("started").toString(), dir.resolve("gate").toString()));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile())
        .start();
  }

  private List<String> computations() throws IOException {
    Path log = dir.resolve("computations.log");
    return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
  }

  private static void awaitFile(Path file, Process p) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (!Files.exists(file) || Files.size(file) == 0) {
      assertTrue(p.isAlive(), "the process ended before " + file + " appeared");
      assertTrue(System.nanoTime() < deadline, file + " did not appear");
      Thread.sleep(20);
    }
  }

  private static void awaitLine(Path log, String text, Process p) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (!(Files.exists(log) && Files.readString(log).contains(text))) {
      assertTrue(p.isAlive(), "the process ended without printing '" + text + "': "
          + (Files.exists(log) ? Files.readString(log) : ""));
      assertTrue(System.nanoTime() < deadline, "no '" + text + "' in " + Files.readString(log));
      Thread.sleep(20);
    }
  }
}
