package dev.drelu.core;

import java.io.PrintStream;
import java.time.Duration;

/**
 * Progress lines for long work ("[train dense-relu s1] epoch 3/8  37%  ETA 0:42"), at most one
 * every few seconds per task so parallel workers do not flood the terminal. Thread-safe.
 */
public final class Progress {
  private static final long MIN_INTERVAL_NANOS = Duration.ofSeconds(3).toNanos();
  private static volatile PrintStream out = System.err;
  private static volatile boolean quiet;

  private final String label;
  private final String unit;
  private final long total;
  private final long minIntervalNanos;
  private final long started = System.nanoTime();
  private long lastPrinted;

  private Progress(String label, String unit, long total, long minIntervalNanos) {
    this.label = label;
    this.unit = unit;
    this.total = total;
    this.minIntervalNanos = minIntervalNanos;
    // slow-interval progress waits one interval before its first line
    this.lastPrinted = minIntervalNanos > MIN_INTERVAL_NANOS ? started : 0;
  }

  /**
   * @param label what is being done, e.g. "train dense-relu s1"
   * @param unit what is counted, e.g. "epoch" or "images"
   * @param total how many there will be
   */
  public static Progress start(String label, String unit, long total) {
    return new Progress(label, unit, total, MIN_INTERVAL_NANOS);
  }

  /**
   * Progress that prints at most once per {@code minInterval} (fine-grained counts, such as the
   * batches of a long epoch, that should show life without filling the terminal).
   */
  public static Progress start(String label, String unit, long total, Duration minInterval) {
    return new Progress(label, unit, total, Math.max(MIN_INTERVAL_NANOS, minInterval.toNanos()));
  }

  /** Silences all progress lines (tests, --quiet). */
  public static void setQuiet(boolean q) {
    quiet = q;
  }

  /** Prints a one-off line under a label. */
  public static void say(String label, String message) {
    if (!quiet) {
      out.println("[" + label + "] " + message);
    }
  }

  /** Reports {@code done} of {@code total}, printing if enough time has passed. */
  public synchronized void update(long done, String detail) {
    long now = System.nanoTime();
    if (quiet || (now - lastPrinted < minIntervalNanos && done < total)) {
      return;
    }
    lastPrinted = now;
    double fraction = total == 0 ? 1 : (double) done / total;
    String eta = "";
    if (done > 0 && done < total) {
      long remaining = (long) ((now - started) / fraction * (1 - fraction) / 1e9);
      eta = String.format("  ETA %d:%02d", remaining / 60, remaining % 60);
    }
    out.printf("[%s] %s %d/%d  %3.0f%%%s%s%n", label, unit, done, total, 100 * fraction, eta,
        detail == null || detail.isEmpty() ? "" : "  " + detail);
  }

  /** @return seconds since start */
  public double elapsedSeconds() {
    return (System.nanoTime() - started) / 1e9;
  }
}
