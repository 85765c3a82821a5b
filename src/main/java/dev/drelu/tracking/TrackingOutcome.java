package dev.drelu.tracking;

import java.nio.file.Path;

/**
 * Where an execution's tracking ended up, and the words that say so truthfully: on the server, in
 * the local journal waiting for a sync, or nowhere because tracking was off.
 *
 * @param kind which of the three
 * @param runUrl the parent run's page on the server (LOGGED only), else null
 * @param serverUri the tracking server, or null when tracking is off
 * @param offlineReason why the server could not be reached (JOURNALED only), else null
 * @param backlog what waits in the journal folder now (empty when tracking is off)
 */
public record TrackingOutcome(Kind kind, String runUrl, String serverUri, String offlineReason, JournalBacklog backlog) {

  /** Where the execution's own run went. */
  public enum Kind {
    /** Tracking was off: nothing was logged anywhere. */
    OFF,
    /** The parent run is on the server (some events may still have been journaled by workers). */
    LOGGED,
    /** The server was unreachable: the parent run lives in the journal until a sync sends it. */
    JOURNALED
  }

  /** Tracking off. */
  public static TrackingOutcome off() {
    return new TrackingOutcome(Kind.OFF, null, null, null, JournalBacklog.none());
  }

  /**
   * What a finished execution's tracker reports.
   *
   * @param config the execution's tracking config (enabled)
   * @param driver the status of the tracker that owns the parent run
   * @param runUrl that tracker's link to the parent run, or null
   */
  public static TrackingOutcome of(TrackingConfig config, TrackingStatus driver, String runUrl) {
    if (!config.enabled()) {
      return off();
    }
    JournalBacklog backlog = JournalBacklog.of(Path.of(config.journalDir()));
    if (driver.online() && runUrl != null) {
      return new TrackingOutcome(Kind.LOGGED, runUrl, config.trackingUri(), null, backlog);
    }
    return new TrackingOutcome(Kind.JOURNALED, null, config.trackingUri(), driver.offlineReason(), backlog);
  }

  /**
   * The one line that says where the run is.
   *
   * @param offCause why tracking is off (e.g. "--no-tracking"), used only for {@link Kind#OFF}
   */
  public String line(String offCause) {
    return switch (kind) {
      case OFF -> "MLflow: tracking is off (" + offCause + "); nothing was logged";
      case LOGGED -> "MLflow run: " + runUrl;
      case JOURNALED -> "MLflow: tracking server " + serverUri + " unreachable"
          + (offlineReason == null ? "" : " (" + offlineReason + ")") + ": " + waiting()
          + "; replay with ./drelu tracking sync --tracking-uri " + serverUri
          + " once the server is up (for the local server: ./drelu tracking start)";
    };
  }

  /** A warning when the run is on the server but journaled events still wait, else null. */
  public String warning() {
    if (kind != Kind.LOGGED || backlog.isEmpty()) {
      return null;
    }
    return "the server could not take everything: " + waiting() + "; send them with ./drelu tracking sync --tracking-uri "
        + serverUri;
  }

  /** Where the run's artifacts (the report) went, for the line that names the local copy; null = nowhere. */
  public String artifactsNote() {
    return switch (kind) {
      case OFF -> null;
      case LOGGED -> "also in the MLflow run's artifacts, under report/";
      case JOURNALED -> "journaled for the MLflow run's artifacts; ./drelu tracking sync uploads it";
    };
  }

  private String waiting() {
    return backlog.events() + " event(s) wait in " + backlog.files() + " journal file(s) in " + backlog.dir();
  }
}
