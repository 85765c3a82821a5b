package dev.drelu.pipeline;

import dev.drelu.attack.Protocol;
import dev.drelu.tracking.TrackingConfig;
import java.io.Serializable;

/**
 * What every stage needs to know about this execution; serialisable because it travels inside
 * the DoFns (to Flink workers too).
 *
 * @param storeRoot where the artifact store is, as {@link dev.drelu.store.ArtifactStore#open} takes it
 * @param tracking where runs are logged
 * @param experiment the MLflow experiment
 * @param parentRunId the pipeline execution's run (child runs hang under it), or null
 * @param cache what to reuse and what to recompute
 * @param device auto, cpu, gpu or gpu:N
 * @param protocol the evaluation the pipeline follows; every child run is tagged with it
 */
public record RunContext(
    String storeRoot,
    TrackingConfig tracking,
    String experiment,
    String parentRunId,
    CacheControl cache,
    String device,
    Protocol protocol)
    implements Serializable {
  public RunContext {
    protocol = protocol == null ? Protocol.SOUND : protocol;
  }

  /** A sound pipeline's context. */
  public RunContext(String storeRoot, TrackingConfig tracking, String experiment, String parentRunId,
      CacheControl cache, String device) {
    this(storeRoot, tracking, experiment, parentRunId, cache, device, Protocol.SOUND);
  }
}
