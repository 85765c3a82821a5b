package dev.drelu.tracking;

/** How a run ended; maps one to one onto MLflow's terminal run statuses. */
public enum RunOutcome {
  /** The work completed. */
  FINISHED,
  /** The work threw or produced an invalid result. */
  FAILED,
  /** The work was stopped from outside (interrupt, shutdown). */
  KILLED
}
