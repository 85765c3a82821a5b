package dev.drelu.store;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Who holds a task lock: the content of a lock file.
 *
 * @param pid the holding process
 * @param host the host it runs on (a pid means nothing on another host)
 * @param since when it took the lock (ISO-8601)
 * @param processStart when that process started (ISO-8601), or null if the OS did not say; a
 *     live process with this pid but another start time is a later process that reused the pid
 * @param token random, to tell this holding from any other by the same process
 */
public record LockOwner(long pid, String host, String since, String processStart, String token) {
  private static final String HOST = findHostName();

  /** @return this process as a new holder */
  public static LockOwner me() {
    ProcessHandle self = ProcessHandle.current();
    return new LockOwner(self.pid(), HOST, Instant.now().toString(),
        self.info().startInstant().map(Instant::toString).orElse(null), DurableFiles.uniqueSuffix());
  }

  /** Whether the holder can still be computing. */
  public enum Status {
    /** a process on this host that is running */
    ALIVE,
    /** a process on this host that has exited: its lock is stale */
    DEAD,
    /** a process on another host: drelu cannot tell, so the lock is respected */
    OTHER_HOST
  }

  /** @return whether the holder is running, as far as this host can tell */
  public Status status() {
    if (!HOST.equals(host)) {
      return Status.OTHER_HOST;
    }
    Optional<ProcessHandle> p = ProcessHandle.of(pid);
    if (p.isEmpty() || !p.get().isAlive()) {
      return Status.DEAD;
    }
    Optional<Instant> started = p.get().info().startInstant();
    if (processStart != null && started.isPresent()
        && Duration.between(Instant.parse(processStart), started.get()).abs().compareTo(Duration.ofSeconds(2)) > 0) {
      return Status.DEAD; // the pid was reused by a process that started later
    }
    return Status.ALIVE;
  }

  /** @return "pid 123 on host h" */
  public String describe() {
    return "pid " + pid + " on host " + host;
  }

  /** @return this host's name, as lock files record it */
  public static String thisHost() {
    return HOST;
  }

  private static String findHostName() {
    // the kernel's name first: InetAddress may wait for DNS on a badly configured host
    Path kernel = Path.of("/proc/sys/kernel/hostname");
    try {
      if (Files.isReadable(kernel)) {
        String name = Files.readString(kernel).trim();
        if (!name.isEmpty()) {
          return name;
        }
      }
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      String env = System.getenv("HOSTNAME");
      return env == null || env.isBlank() ? "unknown-host" : env;
    }
  }
}
