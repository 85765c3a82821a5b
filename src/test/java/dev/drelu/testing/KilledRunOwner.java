package dev.drelu.testing;

import dev.drelu.tracking.MetricPoint;
import dev.drelu.tracking.MlflowTracker;
import dev.drelu.tracking.Tracker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A drelu process killed with SIGKILL in the middle of its runs, as a user's kill -9 or an OOM
 * kill leaves them: a child JVM opens a real {@link MlflowTracker}, starts a parent run and a
 * child run, logs a metric, says so in a file, and then waits to be killed.
 */
public final class KilledRunOwner {
  /** What the killed process left behind. */
  public record Killed(long pid, String parentRunId, String childRunId) {}

  private KilledRunOwner() {}

  /**
   * Starts the child JVM, waits until its runs exist, kills it with SIGKILL and waits for it to die.
   *
   * @param trackingUri the server the child logs to (a dead URI makes it journal)
   * @param journalDir the child's journal folder
   * @param experiment experiment of its runs
   * @param work a folder for the child's log and ready file
   */
  public static Killed spawnAndKill(String trackingUri, Path journalDir, String experiment, Path work)
      throws IOException, InterruptedException {
    Files.createDirectories(work);
    Path ready = work.resolve("ready.txt");
    Path log = work.resolve("child.log");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), KilledRunOwner.class.getName(),
        trackingUri, journalDir.toString(), experiment, ready.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (!Files.exists(ready)) {
        if (!p.isAlive()) {
          throw new AssertionError("the child JVM exited (" + p.exitValue() + ") before starting its runs:\n"
              + Files.readString(log));
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("the child JVM started no runs within 120 s:\n" + Files.readString(log));
        }
        Thread.sleep(50);
      }
    } finally {
      p.destroyForcibly(); // SIGKILL: no shutdown hook, no endRun
    }
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("the child JVM " + p.pid() + " did not die within 30 s of SIGKILL");
    }
    List<String> ids = Files.readAllLines(ready);
    return new Killed(p.pid(), ids.get(0), ids.get(1));
  }

  /** The child: args are tracking URI, journal folder, experiment, ready file. */
  public static void main(String[] args) throws Exception {
    Tracker t = new MlflowTracker(args[0], Path.of(args[1]), args[2]);
    String parent = t.startRun(null, "killed pipeline", null, Map.of());
    String child = t.startRun(null, "killed stage", parent, Map.of());
    t.logMetrics(child, List.of(MetricPoint.of("loss", 0.5, 0)));
    Path ready = Path.of(args[3]);
    Path tmp = ready.resolveSibling(ready.getFileName() + ".tmp");
    Files.write(tmp, List.of(parent, child));
    Files.move(tmp, ready, StandardCopyOption.ATOMIC_MOVE); // the parent sees both ids or none
    Thread.sleep(TimeUnit.MINUTES.toMillis(10)); // killed long before this ends
  }
}
