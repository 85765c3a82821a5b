package dev.drelu.pipeline;

import dev.drelu.tracking.TrackingOutcome;

/**
 * What one execution produced.
 *
 * @param summary the pipeline's summary, or null when the summarise stage was skipped (--only)
 * @param tracking where the execution's tracking went: server, journal, or nowhere
 * @param counts what the tasks really did (the plan's guess differs when another run on the same
 *     store committed a task first)
 * @param seconds wall time
 */
public record ExperimentResult(Plan plan, Summary summary, TrackingOutcome tracking, ExecutionCounts counts,
    double seconds) {
  /** @return the summary's table, or null when the summarise stage was skipped */
  public SummaryTable table() {
    return summary == null ? null : summary.table();
  }

  /** @return e.g. "3 of 10 tasks computed, 7 reused" plus the tasks --only skipped, as they happened */
  public String tally() {
    String text = counts.computed() + " of " + plan.steps().size() + " tasks computed, " + counts.reused() + " reused";
    long skipped = plan.skipped();
    return skipped == 0 ? text
        : text + ", " + skipped + " skipped" + (plan.cache().only() == null ? "" : " by --only " + plan.cache().only().key());
  }
}
