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
 * @param flinkMaster the remote Flink cluster to submit to, or null for Flink's embedded
 *     mini-cluster (only with {@link Runner#FLINK})
 */
public record RunOptions(Runner runner, int parallelism, String store, TrackingConfig tracking, CacheControl cache,
    String device, FlinkMaster flinkMaster) {

  /** The Beam runners drelu supports. */
  public enum Runner {
    /** Beam's Direct runner, in this JVM. */
    DIRECT,
    /** Flink: its embedded mini-cluster in this JVM, or a remote session cluster (flinkMaster). */
    FLINK
  }

  public RunOptions {
    Checks.atLeast("parallelism", parallelism, 1);
    if (flinkMaster != null && runner != Runner.FLINK) {
      throw new IllegalArgumentException("--flink-master needs --runner flink (the runner is " + runner + ")");
    }
  }

  /** Options without a remote Flink cluster. */
  public RunOptions(Runner runner, int parallelism, String store, TrackingConfig tracking, CacheControl cache,
      String device) {
    this(runner, parallelism, store, tracking, cache, device, null);
  }

  /** Options with a local folder as the store, without a remote Flink cluster. */
  public RunOptions(Runner runner, int parallelism, Path store, TrackingConfig tracking, CacheControl cache,
      String device) {
    this(runner, parallelism, store.toString(), tracking, cache, device, null);
  }
}
