package dev.drelu.tracking;

import dev.drelu.core.Checks;
import java.io.Serializable;
import java.nio.file.Path;

/**
 * Where tracking goes; small and serialisable so it can travel inside Beam DoFns, each of which
 * opens its own {@link Tracker} (with its own journal file) in {@code @Setup}.
 *
 * @param trackingUri http(s) URI of the MLflow server, or null to disable tracking
 * @param journalDir folder for offline journals (a String: {@link Path} is not Serializable)
 * @param experimentName experiment used when {@link Tracker#startRun} gets a null experiment
 */
public record TrackingConfig(String trackingUri, String journalDir, String experimentName)
    implements Serializable {

  /** Experiment used when none is named. */
  public static final String DEFAULT_EXPERIMENT = "drelu";

  /**
   * @throws IllegalArgumentException if the URI is not http(s), or tracking is enabled without a
   *     journal folder
   */
  public TrackingConfig {
    if (trackingUri != null) {
      if (!(trackingUri.startsWith("http://") || trackingUri.startsWith("https://"))) {
        throw new IllegalArgumentException(
            "tracking URI must start with http:// or https://, but was: "
                + trackingUri
                + "; the MLflow Java client needs a tracking server: start one with"
                + " tracking/mlflow-server.sh start");
      }
      Checks.notBlank("tracking journal folder", journalDir);
    }
    experimentName = experimentName == null || experimentName.isBlank() ? DEFAULT_EXPERIMENT : experimentName;
  }

  /** A config with tracking off; {@link #open()} then gives {@link Tracker#disabled()}. */
  public static TrackingConfig disabled() {
    return new TrackingConfig(null, null, DEFAULT_EXPERIMENT);
  }

  /** True when a tracking URI is set. */
  public boolean enabled() {
    return trackingUri != null;
  }

  /** Same config logging into another experiment. */
  public TrackingConfig withExperimentName(String name) {
    return new TrackingConfig(trackingUri, journalDir, name);
  }

  /** Opens a tracker; the caller closes it. Never contacts the server here. */
  public Tracker open() {
    if (!enabled()) {
      return Tracker.disabled();
    }
    return new MlflowTracker(trackingUri, Path.of(journalDir), experimentName);
  }
}
