package dev.drelu.pipeline;

import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;

/**
 * How many tasks an execution computed and how many it reused, counted by the tasks themselves
 * (Beam counters, so any runner adds them up) rather than read off the plan.
 *
 * @param computed tasks whose artifact this execution wrote
 * @param reused tasks whose artifact was already in the store (or was committed there by another
 *     run while this one waited for its lock)
 */
public record ExecutionCounts(long computed, long reused) {
  static final String NAMESPACE = "drelu";
  static final String COMPUTED = "tasks-computed";
  static final String REUSED = "tasks-reused";

  /** @return the counts of a finished pipeline (attempted values: not every runner commits metrics) */
  static ExecutionCounts of(PipelineResult result) {
    MetricQueryResults q = result.metrics().queryMetrics(
        MetricsFilter.builder().addNameFilter(MetricNameFilter.inNamespace(NAMESPACE)).build());
    long computed = 0;
    long reused = 0;
    for (MetricResult<Long> c : q.getCounters()) {
      long v = c.getAttempted() == null ? 0 : c.getAttempted();
      if (c.getName().getName().equals(COMPUTED)) {
        computed += v;
      } else if (c.getName().getName().equals(REUSED)) {
        reused += v;
      }
    }
    return new ExecutionCounts(computed, reused);
  }
}
