package dev.drelu.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * One lock per task ({@code <store>/.locks/<stage>/<key>.lock}), so that two runs on one store
 * never compute the same artifact at once: the second waits, then reuses what the first
 * committed. The file names its holder (pid, host, start time). A holder on this host that has
 * exited leaves a stale lock, which the next run reclaims; a holder on another host cannot be
 * checked from here, so its lock is respected.
 *
 * <p>A lock file appears whole (it is written under a temporary name and hard-linked into
 * place, which fails if the lock exists). Deciding that a lock is stale and deleting it happens
 * under {@code .locks/.guard}, an OS file lock that all drelu processes on this host take for
 * that moment and that the OS releases if its process dies, so two processes cannot both
 * reclaim the same lock and then both believe they hold it.
 */
public final class TaskLocks {
  static final String GUARD = ".guard";
  private static final String SUFFIX = ".lock";
  /** Every lock file on this JVM is checked under this monitor too: OS locks are per process. */
  private static final Object JVM_GUARD = new Object();
  /** A lock file that cannot be parsed and is older than this is garbage, not one being written. */
  private static final Duration UNREADABLE_GRACE = Duration.ofSeconds(10);
  /** Temporary files live for microseconds; one older than this was left by a killed process. */
  private static final Duration TEMP_GRACE = Duration.ofMinutes(1);

  private final Path dir;
  private final Duration poll;
  private final Duration reportEvery;

  /** @param dir the store's lock folder ({@code <store>/.locks}) */
  public TaskLocks(Path dir) {
    this(dir, Duration.ofMillis(500), Duration.ofSeconds(30));
  }

  /**
   * @param poll how often a waiting run looks at the lock again
   * @param reportEvery how often a waiting run says who it waits for
   */
  public TaskLocks(Path dir, Duration poll, Duration reportEvery) {
    this.dir = dir;
    this.poll = poll;
    this.reportEvery = reportEvery;
  }

  /** @return the lock file of a task (whether or not it exists) */
  public Path file(String stage, String key) {
    return dir.resolve(stage).resolve(key + SUFFIX);
  }

  /** A lock this process holds; closing it releases the lock. */
  public final class Held implements AutoCloseable {
    private final Path file;
    private final LockOwner owner;
    private final boolean waited;

    private Held(Path file, LockOwner owner, boolean waited) {
      this.file = file;
      this.owner = owner;
      this.waited = waited;
    }

    public Path file() {
      return file;
    }

    /** @return true if another run held the lock first (it may have committed the artifact) */
    public boolean waited() {
      return waited;
    }

    /** Deletes the lock file, unless another process took it over (then it is theirs). */
    @Override
    public void close() throws IOException {
      guarded(() -> {
        if (read(file) instanceof Parsed p && p.owner().token().equals(owner.token())) {
          Files.deleteIfExists(file);
        }
        return null;
      });
    }
  }

  /**
   * Takes a task's lock, waiting as long as a live run holds it.
   *
   * @param messages receives a line when this run starts waiting, every so often while it
   *     waits (who holds the lock), and when it reclaims a stale lock
   * @throws InterruptedException if the thread is interrupted while it waits
   */
  public Held acquire(String stage, String key, Consumer<String> messages) throws IOException, InterruptedException {
    Path file = file(stage, key);
    Files.createDirectories(file.getParent());
    Instant waitingSince = null;
    Instant lastReport = null;
    while (true) {
      LockOwner me = LockOwner.me(); // now, so "holding it since" is when it was taken, not first tried
      // null: this run created the lock; else what the file held when it could not
      Content seen = guarded(() -> {
        if (create(file, me)) {
          return null;
        }
        Content c = read(file);
        String stale = staleness(file, c);
        if (stale != null) {
          Files.deleteIfExists(file);
          messages.accept(stale);
          return new Absent(); // try again at once
        }
        return c;
      });
      if (seen == null) {
        return new Held(file, me, waitingSince != null);
      }
      if (seen instanceof Absent) {
        continue; // released since create() failed: try again at once
      }
      Instant now = Instant.now();
      if (waitingSince == null) {
        waitingSince = now;
      }
      if (lastReport == null || Duration.between(lastReport, now).compareTo(reportEvery) >= 0) {
        lastReport = now;
        messages.accept(seen instanceof Parsed p ? waitingLine(file, p.owner(), Duration.between(waitingSince, now))
            : "waiting for " + file + ", which cannot be read yet (" + ((Unreadable) seen).why()
                + "); it is removed if it stays so for " + UNREADABLE_GRACE.toSeconds() + " s");
      }
      Thread.sleep(poll.toMillis());
    }
  }

  /**
   * Deletes lock files whose holders are gone (exited processes of this host, or unreadable
   * files), and temporary files of killed processes. Locks of live runs and of other hosts stay.
   *
   * @return the files removed
   */
  public List<Path> removeStale() throws IOException {
    List<Path> removed = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return removed;
    }
    return guarded(() -> {
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path f : walk.filter(Files::isRegularFile).toList()) {
          String name = f.getFileName().toString();
          if (name.endsWith(SUFFIX)) {
            if (staleness(f, read(f)) != null && Files.deleteIfExists(f)) {
              removed.add(f);
            }
          } else if (name.endsWith(".tmp") && olderThan(f, TEMP_GRACE) && Files.deleteIfExists(f)) {
            removed.add(f);
          }
        }
      }
      return removed;
    });
  }

  /** A task whose lock a run (possibly on another host) holds now. */
  public record Live(String stage, String key, LockOwner owner) {}

  /** @return the tasks that live runs hold, so that cleaning up spares their files */
  public List<Live> live() throws IOException {
    List<Live> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> walk = Files.walk(dir, 2)) {
      for (Path f : walk.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).toList()) {
        if (read(f) instanceof Parsed p && p.owner().status() != LockOwner.Status.DEAD) {
          String name = f.getFileName().toString();
          out.add(new Live(f.getParent().getFileName().toString(),
              name.substring(0, name.length() - SUFFIX.length()), p.owner()));
        }
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- lock files

  /** What a lock file holds. */
  private sealed interface Content permits Absent, Parsed, Unreadable {}

  private record Absent() implements Content {}

  private record Parsed(LockOwner owner) implements Content {}

  private record Unreadable(String why) implements Content {}

  private static Content read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return new Absent();
    } catch (IOException e) {
      return new Unreadable(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    try {
      LockOwner o = Json.CANONICAL.readValue(bytes, LockOwner.class);
      if (o == null || o.host() == null || o.token() == null) {
        return new Unreadable("no pid, host or token in it");
      }
      return new Parsed(o);
    } catch (IOException e) {
      return new Unreadable("not a lock file drelu wrote (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** @return why the lock may be taken (a message saying so), or null if it must be respected */
  private static String staleness(Path file, Content c) {
    if (c instanceof Parsed p && p.owner().status() == LockOwner.Status.DEAD) {
      return "reclaimed the stale lock " + file + " of " + p.owner().describe()
          + " (this host), which is no longer running";
    }
    if (c instanceof Unreadable u && olderThan(file, UNREADABLE_GRACE)) {
      return "removed the unreadable lock file " + file + ": " + u.why();
    }
    return null;
  }

  /** Creates the lock file holding {@code me}, whole; false if it exists. */
  private static boolean create(Path file, LockOwner me) throws IOException {
    byte[] content = (Json.canonical(me) + "\n").getBytes(StandardCharsets.UTF_8);
    Path tmp = file.resolveSibling(file.getFileName() + "." + DurableFiles.uniqueSuffix() + ".tmp");
    try {
      Files.write(tmp, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      DurableFiles.fsync(tmp);
      try {
        Files.createLink(file, tmp); // atomic, and fails if the lock exists
      } catch (FileAlreadyExistsException e) {
        return false;
      } catch (UnsupportedOperationException | FileSystemException e) {
        // no hard links here: create it in place (a reader may then briefly see it half written)
        try {
          Files.write(file, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException exists) {
          return false;
        }
      }
      DurableFiles.fsyncFolder(file.getParent());
      return true;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static String waitingLine(Path file, LockOwner o, Duration waited) {
    String who = o.describe() + " (holding it since " + o.since() + ")";
    String base = (waited.isZero() ? "waiting for " : "still waiting after " + waited.toSeconds() + " s for ")
        + who + ", which is computing this artifact";
    if (o.status() == LockOwner.Status.OTHER_HOST) {
      return base + "; that is another host, so drelu cannot tell whether it still runs: if it does not, delete "
          + file;
    }
    return base + "; this run reuses its result when it finishes";
  }

  /** Work that may throw IOException. */
  @FunctionalInterface
  private interface IoWork<T> {
    T run() throws IOException;
  }

  /**
   * Runs {@code work} while holding the guard: this JVM's monitor and the OS lock on
   * {@code .locks/.guard}. A file system without OS locks (some NFS mounts) cannot give the
   * second; then only the atomic creation of lock files protects, which is still enough that
   * two runs never both hold a lock they created, and the reclaiming of stale locks is not
   * guarded against another process reclaiming the same lock at the same moment.
   */
  private <T> T guarded(IoWork<T> work) throws IOException {
    synchronized (JVM_GUARD) {
      Files.createDirectories(dir);
      try (FileChannel g = FileChannel.open(dir.resolve(GUARD), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        FileLock lock = null;
        try {
          lock = g.lock();
        } catch (IOException noOsLocks) {
          // see above: carry on with creation alone
        }
        try {
          return work.run();
        } finally {
          if (lock != null) {
            lock.release();
          }
        }
      }
    }
  }

  private static boolean olderThan(Path f, Duration age) {
    try {
      return Files.getLastModifiedTime(f).toInstant().isBefore(Instant.now().minus(age));
    } catch (IOException e) {
      return false; // gone already
    }
  }
}
