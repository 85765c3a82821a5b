package dev.drelu.tracking;

import java.net.InetAddress;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The process that started a run: its pid, host and start time, written on every run as tags so
 * a later drelu process can tell whether a run left RUNNING still has a live owner.
 *
 * <p>The start time guards against pid reuse: a pid that is alive now but belongs to a process
 * started at another time is not the owner.
 *
 * @param pid the owner's process id
 * @param host the owner's host name
 * @param started when the owner process started, or null if the OS did not say
 */
record ProcessOwner(long pid, String host, Instant started) {
  /** Tag {@code pid@host} of the process that started the run. */
  static final String OWNER_TAG = "drelu.owner";
  /** Tag with the owner process's start time (ISO-8601), to tell a reused pid from the owner. */
  static final String OWNER_STARTED_TAG = "drelu.owner_started";

  // /proc gives start times in clock ticks; two reads of the same process agree to well under
  // this. Erring wide only leaves a run RUNNING, never closes a live one.
  private static final long START_TOLERANCE_MILLIS = 2000;

  private static final ProcessOwner CURRENT = detect();

  /** This JVM, or null when the host name is unknown (then runs carry no owner and are never closed). */
  static ProcessOwner current() {
    return CURRENT;
  }

  /** The owner recorded in a run's tags, if it has well-formed ones. */
  static Optional<ProcessOwner> fromTags(Map<String, String> tags) {
    String owner = tags.get(OWNER_TAG);
    if (owner == null) {
      return Optional.empty();
    }
    int at = owner.indexOf('@');
    if (at <= 0 || at == owner.length() - 1) {
      return Optional.empty();
    }
    try {
      long pid = Long.parseLong(owner.substring(0, at));
      String started = tags.get(OWNER_STARTED_TAG);
      return Optional.of(new ProcessOwner(pid, owner.substring(at + 1), started == null ? null : Instant.parse(started)));
    } catch (NumberFormatException | DateTimeParseException e) {
      return Optional.empty(); // not written by drelu: leave the run alone
    }
  }

  /** {@code pid@host}, the value of {@value #OWNER_TAG}. */
  String id() {
    return pid + "@" + host;
  }

  /** The tags that record this owner on a run. */
  Map<String, String> tags() {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put(OWNER_TAG, id());
    if (started != null) {
      tags.put(OWNER_STARTED_TAG, started.toString());
    }
    return tags;
  }

  /**
   * True only when this owner ran on {@code thisHost} and is certainly gone: no process has its pid,
   * or the process with its pid started at another time. Owners on other hosts cannot be checked
   * from here and count as alive.
   */
  boolean isGoneFrom(String thisHost) {
    if (!host.equals(thisHost)) {
      return false;
    }
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    if (process.isEmpty() || !process.get().isAlive()) {
      return true;
    }
    Optional<Instant> start = process.get().info().startInstant();
    return started != null && start.isPresent()
        && Math.abs(start.get().toEpochMilli() - started.toEpochMilli()) > START_TOLERANCE_MILLIS;
  }

  private static ProcessOwner detect() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      host = System.getenv("HOSTNAME");
    }
    if (host == null || host.isBlank()) {
      return null;
    }
    ProcessHandle self = ProcessHandle.current();
    return new ProcessOwner(self.pid(), host, self.info().startInstant().orElse(null));
  }
}
