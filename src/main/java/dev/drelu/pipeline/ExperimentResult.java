package dev.drelu.pipeline;

import dev.drelu.store.ArtifactRef;
import dev.drelu.tracking.TrackingOutcome;

/**
 * What one execution produced.
 *
 * @param summary the summary artifact, or null when the summarise stage was skipped (--only)
 * @param table its table, or null
 * @param tracking where the execution's tracking went: server, journal, or nowhere
 * @param seconds wall time
 */
public record ExperimentResult(Plan plan, ArtifactRef summary, SummaryTable table, TrackingOutcome tracking,
    double seconds) {}
