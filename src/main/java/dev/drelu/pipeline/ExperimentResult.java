package dev.drelu.pipeline;

import dev.drelu.store.ArtifactRef;

/**
 * What one execution produced.
 *
 * @param summary the summary artifact, or null when the summarise stage was skipped (--only)
 * @param table its table, or null
 * @param parentRunUrl the MLflow UI link of the execution's run, or null
 * @param trackingNote a warning when some tracking went to the local journal, else null
 * @param seconds wall time
 */
public record ExperimentResult(Plan plan, ArtifactRef summary, SummaryTable table, String parentRunUrl,
    String trackingNote, double seconds) {}
