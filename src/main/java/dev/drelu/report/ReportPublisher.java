package dev.drelu.report;

import dev.drelu.tracking.Tracker;

/** Logs a written report to a tracking run as artifacts, keeping its folder layout. */
public final class ReportPublisher {
  /** The artifact folder the report goes under in the run. */
  public static final String ARTIFACT_DIR = "report";

  private ReportPublisher() {}

  /**
   * Logs every file of {@code report} under {@value #ARTIFACT_DIR}/ (index.html at its top), so
   * the page's relative links still work when opened from the tracking server's artifacts.
   *
   * @param tracker the tracker (journals the calls when the server is down)
   * @param runId the run to attach the report to
   * @param report the written report
   */
  public static void log(Tracker tracker, String runId, Report report) {
    for (var rel : report.files()) {
      String parent = rel.getParent() == null ? ARTIFACT_DIR : ARTIFACT_DIR + "/" + ReportWriter.href(rel.getParent());
      tracker.logArtifact(runId, report.dir().resolve(rel), parent);
    }
  }
}
