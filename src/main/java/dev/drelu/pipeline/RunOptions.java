package dev.drelu.pipeline;

import dev.drelu.core.Checks;
import dev.drelu.tracking.TrackingConfig;
import java.nio.file.Path;

/**
 * Environment settings of one execution (never hashed: they do not change results).
 *
 * @param runner where Beam runs the pipeline
 * @param parallelism how many tasks run at once (times torch threads should not exceed the cores)
 * @param store the artifact store's location, as {@link dev.drelu.store.ArtifactStore#open} takes it (a folder,
 *     or an s3:// location that carries its endpoint, region and addressing: workers get only this)
 * @param tracking where runs are logged
 * @param cache what to reuse
 * @param device auto, cpu, gpu or gpu:N
 */
public record RunOptions(Runner runner, int parallelism, String store, TrackingConfig tracking, CacheControl cache,
    String device) {

  /** The Beam runners drelu supports. */
  public enum Runner {
    /** Beam's Direct runner, in this JVM. */
    DIRECT,
    /** Flink's embedded mini-cluster, in this JVM; the same code runs on a Flink cluster. */
    FLINK
  }

  public RunOptions {
    Checks.atLeast("parallelism", parallelism, 1);
  }

  /** Options with a local folder as the store. */
  public RunOptions(Runner runner, int parallelism, Path store, TrackingConfig tracking, CacheControl cache,
      String device) {
    this(runner, parallelism, store.toString(), tracking, cache, device);
  }
}
