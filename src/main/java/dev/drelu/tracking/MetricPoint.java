package dev.drelu.tracking;

import dev.drelu.core.Checks;

/**
 * One value of a metric at one step.
 *
 * <p>The timestamp is taken when the point is made, not when it reaches the server, so a point
 * replayed from a journal keeps its original time; MLflow also ignores an exact repeat of (key,
 * value, step, timestamp), which keeps replays free of duplicates.
 *
 * @param key metric name, e.g. {@code "train.loss"}
 * @param value the value; NaN and infinities are allowed, MLflow stores them
 * @param step the step, e.g. the epoch
 * @param timestampMillis wall-clock time in epoch milliseconds
 */
public record MetricPoint(String key, double value, long step, long timestampMillis) {
  /** @throws IllegalArgumentException if the key is blank */
  public MetricPoint {
    Checks.notBlank("metric key", key);
  }

  /** A point stamped with the current time. */
  public static MetricPoint of(String key, double value, long step) {
    return new MetricPoint(key, value, step, System.currentTimeMillis());
  }
}
