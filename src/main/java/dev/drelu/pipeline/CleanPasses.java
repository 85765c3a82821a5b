package dev.drelu.pipeline;

import dev.drelu.attack.RobustEvaluator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The clean passes of this JVM's recent attack tasks ({@link RobustEvaluator.CleanPass}: a model's
 * clean predictions and zero-gradient flags on its attacked examples). Every attack of a model on
 * the same examples needs the same one, and it costs a forward and a backward pass per example;
 * the quickstart attacks each model a dozen times. Kept per JVM (a worker's attack tasks share
 * it), a few dozen at most.
 */
final class CleanPasses {
  private static final int KEEP = 32;

  private static final Map<String, RobustEvaluator.CleanPass> RECENT = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, RobustEvaluator.CleanPass> eldest) {
      return size() > KEEP;
    }
  };

  private CleanPasses() {}

  /**
   * @param weightsSha256 the attacked model's committed weights ({@link TrainedModel#weightsSha256})
   * @return the clean pass of the attacked model on this task's examples, computed by {@code compute}
   *     unless another task of this JVM already did
   */
  static RobustEvaluator.CleanPass of(Tasks.Attack task, String weightsSha256, int examples,
      Supplier<RobustEvaluator.CleanPass> compute) {
    // the model's weights, its examples (dataset, evaluation sample, shard) and the batches they are cut into
    String key = String.join("|", task.modelKey(), weightsSha256, task.datasetKey(), task.evaluation().toString(),
        Integer.toString(task.shard()), Integer.toString(examples));
    synchronized (RECENT) {
      RobustEvaluator.CleanPass known = RECENT.get(key);
      if (known != null) {
        return known;
      }
    }
    RobustEvaluator.CleanPass computed = compute.get(); // outside the lock: two workers may both compute it once
    synchronized (RECENT) {
      RECENT.putIfAbsent(key, computed);
    }
    return computed;
  }
}
