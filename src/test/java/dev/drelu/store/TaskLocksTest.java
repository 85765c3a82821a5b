package dev.drelu.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Task locks on a real folder, in this process: holders, waiting, stale and foreign locks, and
 * what garbage collection may remove. Two real processes are in
 * {@code dev.drelu.pipeline.ConcurrentRunsTest}.
 */
class TaskLocksTest {
  private static final String STAGE = "attack";
  private static final String KEY = "a".repeat(64);

  @TempDir Path root;

  private TaskLocks locks() {
    // polls fast so the tests do not idle; reports every poll so each wait is visible at once
    return new TaskLocks(root.resolve(".locks"), Duration.ofMillis(20), Duration.ofMillis(20));
  }

  @Test
  void theLockFileNamesThisProcessAndReleaseDeletesIt() throws Exception {
    TaskLocks locks = locks();
    Path file;
    try (TaskLocks.Held held = locks.acquire(STAGE, KEY, m -> {})) {
      file = held.file();
      assertEquals(root.resolve(".locks").resolve(STAGE).resolve(KEY + ".lock"), file);
      LockOwner owner = Json.CANONICAL.readValue(file.toFile(), LockOwner.class);
      assertEquals(ProcessHandle.current().pid(), owner.pid());
      assertEquals(LockOwner.thisHost(), owner.host());
      assertEquals(LockOwner.Status.ALIVE, owner.status());
      assertFalse(held.waited());
    }
    assertFalse(Files.exists(file), "released");
    try (var s = Files.list(file.getParent())) {
      assertEquals(List.of(), s.toList(), "no temporary files are left");
    }
  }

  @Test
  void aSecondAcquirerWaitsSayingWhoHoldsTheLockAndGetsItOnRelease() throws Exception {
    TaskLocks locks = locks();
    BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    TaskLocks.Held first = locks.acquire(STAGE, KEY, m -> {});
    CompletableFuture<TaskLocks.Held> second = CompletableFuture.supplyAsync(() -> {
      try {
        return locks.acquire(STAGE, KEY, messages::add);
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    String line = messages.poll(30, TimeUnit.SECONDS);
    assertTrue(line != null && line.contains("waiting for pid " + ProcessHandle.current().pid() + " on host "
        + LockOwner.thisHost()), String.valueOf(line));
    assertFalse(second.isDone(), "the second acquirer must wait while the first holds the lock");

    first.close();
    try (TaskLocks.Held held = second.get(30, TimeUnit.SECONDS)) {
      assertTrue(held.waited());
      assertTrue(Files.exists(held.file()));
    }
  }

  @Test
  void aLockOfAnExitedProcessOnThisHostIsReclaimedWithAMessage() throws Exception {
    TaskLocks locks = locks();
    long dead = deadPid();
    Path file = writeLock(locks, new LockOwner(dead, LockOwner.thisHost(), Instant.now().toString(), null, "t1"));
    BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    try (TaskLocks.Held held = locks.acquire(STAGE, KEY, messages::add)) {
      assertEquals(ProcessHandle.current().pid(), Json.CANONICAL.readValue(file.toFile(), LockOwner.class).pid());
    }
    String line = messages.poll();
    assertTrue(line != null && line.contains("reclaimed the stale lock " + file) && line.contains("pid " + dead),
        String.valueOf(line));
  }

  @Test
  void aPidReusedByALaterProcessDoesNotKeepTheLockAlive() {
    // this process's pid, but recorded as a process that started long ago: the pid was reused
    LockOwner reused = new LockOwner(ProcessHandle.current().pid(), LockOwner.thisHost(), "2000-01-01T00:00:00Z",
        "2000-01-01T00:00:00Z", "t2");
    assertEquals(LockOwner.Status.DEAD, reused.status());
    assertEquals(LockOwner.Status.ALIVE, LockOwner.me().status());
  }

  @Test
  void aLockOfAnotherHostIsRespectedAndTheMessageSaysWhatToDelete() throws Exception {
    TaskLocks locks = locks();
    Path file = writeLock(locks, new LockOwner(1, "elsewhere.example", Instant.now().toString(), null, "t3"));
    BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    CompletableFuture<TaskLocks.Held> waiting = CompletableFuture.supplyAsync(() -> {
      try {
        return locks.acquire(STAGE, KEY, messages::add);
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    String line = messages.poll(30, TimeUnit.SECONDS);
    assertTrue(line != null && line.contains("pid 1 on host elsewhere.example") && line.contains("another host")
        && line.contains("delete " + file), String.valueOf(line));
    assertFalse(waiting.isDone(), "a lock of another host is never reclaimed");

    Files.delete(file); // what the message tells the user to do once that run is gone
    waiting.get(30, TimeUnit.SECONDS).close();
  }

  @Test
  void anUnreadableLockIsRemovedOnlyOnceItIsOld() throws Exception {
    TaskLocks locks = locks();
    Path file = locks.file(STAGE, KEY);
    Files.createDirectories(file.getParent());
    Files.writeString(file, "{\"pid\": 12", StandardCharsets.UTF_8);
    assertEquals(List.of(), locks.removeStale(), "a fresh unreadable lock may be one being written");
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(60)));

    BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    locks.acquire(STAGE, KEY, messages::add).close();
    String line = messages.poll();
    assertTrue(line != null && line.contains("removed the unreadable lock file " + file), String.valueOf(line));
  }

  @Test
  void releaseLeavesALockThatAnotherProcessTookOver() throws Exception {
    TaskLocks locks = locks();
    TaskLocks.Held held = locks.acquire(STAGE, KEY, m -> {});
    LockOwner other = new LockOwner(1, "elsewhere.example", Instant.now().toString(), null, "t4");
    Files.writeString(held.file(), Json.canonical(other));
    held.close();
    assertTrue(Files.exists(held.file()), "only the holder's own lock is deleted");
  }

  @Test
  void garbageCollectionRemovesStaleLocksOnlyAndSparesTheFilesOfLiveTasks() throws Exception {
    LocalArtifactStore store = new LocalArtifactStore(root);
    TaskLocks locks = store.locks();
    String live = "b".repeat(64);
    String foreign = "c".repeat(64);
    String stale = "d".repeat(64);
    String idle = "e".repeat(64);
    Path deadLock = writeLock(locks, stale, new LockOwner(deadPid(), LockOwner.thisHost(), "x", null, "t5"));
    Path foreignLock = writeLock(locks, foreign, new LockOwner(1, "elsewhere.example", "x", null, "t6"));
    Path oldTemp = locks.file(STAGE, idle).resolveSibling(idle + ".lock.1-00aa.tmp");
    Files.writeString(oldTemp, "{}");
    Files.setLastModifiedTime(oldTemp, FileTime.from(Instant.now().minusSeconds(3600)));
    // a committed artifact being recomputed (forced) by a live run: its staging and checkpoints stay
    ArtifactStore.Staging done = store.begin(STAGE, live);
    store.commit(done, 1, Map.of(), List.of(), Map.of());
    ArtifactStore.Staging running = store.begin(STAGE, live);
    Files.createDirectories(store.workDir(STAGE, live).resolve("epoch-0001-1-aa"));
    ArtifactStore.Staging killed = store.begin(STAGE, idle);

    try (TaskLocks.Held held = locks.acquire(STAGE, live, m -> {})) {
      List<String> removed = store.collectGarbage();

      assertTrue(removed.contains(deadLock.toString()) && removed.contains(oldTemp.toString()) && removed.contains(killed.dir().toString()),
          removed.toString());
      assertFalse(Files.exists(deadLock));
      assertTrue(Files.exists(foreignLock), "another host's lock stays");
      assertTrue(Files.exists(held.file()), "a live run's lock stays");
      assertTrue(Files.exists(running.dir()), "a live run's staging folder stays");
      assertTrue(Files.exists(store.workDir(STAGE, live)), "a live run's checkpoints stay");
      assertTrue(Files.exists(root.resolve(".locks").resolve(TaskLocks.GUARD)), "the guard is never removed");
    }
    List<String> afterwards = store.collectGarbage();
    assertTrue(afterwards.contains(running.dir().toString()) && afterwards.contains(store.workDir(STAGE, live).toString()),
        "once the run is gone, its leftovers go: " + afterwards);
  }

  @Test
  void committingRemovesTheTasksUnfinishedWork() throws Exception {
    LocalArtifactStore store = new LocalArtifactStore(root);
    Path work = store.workDir(STAGE, KEY).resolve("epoch-0001-1-aa");
    Files.createDirectories(work);
    store.commit(store.begin(STAGE, KEY), 1, Map.of(), List.of(), Map.of());
    assertFalse(Files.exists(store.workDir(STAGE, KEY)));
  }

  private Path writeLock(TaskLocks locks, LockOwner owner) throws Exception {
    return writeLock(locks, KEY, owner);
  }

  private Path writeLock(TaskLocks locks, String key, LockOwner owner) throws Exception {
    Path file = locks.file(STAGE, key);
    Files.createDirectories(file.getParent());
    Files.writeString(file, Json.canonical(owner));
    return file;
  }

  /** @return the pid of a process that has exited */
  static long deadPid() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    return p.pid();
  }
}
