package dev.drelu.pipeline;

import ai.djl.Device;
import dev.drelu.attack.AttackOutcome;
import dev.drelu.attack.AttackSummary;
import dev.drelu.attack.RobustEvaluator;
import dev.drelu.core.Progress;
import dev.drelu.data.ArrowTables;
import dev.drelu.data.ImageDataset;
import dev.drelu.nn.Classifier;
import dev.drelu.nn.Devices;
import dev.drelu.store.ArtifactRef;
import java.util.Map;
import java.util.TreeMap;

/** Runs one attack on one trained (or imported) model over the test set; writes per-example results. */
public final class AttackStage {
  static final String RESULTS = "results.arrow";

  private final DatasetCache datasets = new DatasetCache();

  /** @return this task's contiguous part of the attacked examples */
  static ImageDataset shard(ImageDataset test, Tasks.Attack task) {
    int[] range = task.evaluation().shardRange(task.shard(), test.size());
    int[] rows = new int[range[1] - range[0]];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = range[0] + i;
    }
    return test.select(rows);
  }

  private static Classifier load(StageRunner runner, String modelKey, Device device) throws java.io.IOException {
    return TrainedModels.load(runner.store().open(Stage.TRAIN.key(), modelKey), device);
  }

  /** @return the attack result artifact */
  public ArtifactRef run(Tasks.Attack task, StageRunner runner) throws Exception {
    return runner.execute(task, (dir, runId) -> {
      ImageDataset test = datasets.read(
          runner.store().open(Stage.PREPARE.key(), task.datasetKey()).file(PrepareStage.TEST));
      // the same seeded, class-stratified sample for every model and attack, then this task's part
      ImageDataset sample = task.evaluation().sample(test);
      test = shard(sample, task);
      Device device = Devices.resolve(runner.context().device());
      try (Classifier model = load(runner, task.modelKey(), device);
          Classifier source = task.sourceModelKey().equals(task.modelKey()) ? null
              : load(runner, task.sourceModelKey(), device)) {
        Progress progress = Progress.start("attack " + task.label(), "images", test.size());
        AttackOutcome outcome = RobustEvaluator.run(model, source == null ? model : source, test, task.attack(),
            task.evaluation().batchSize(), done -> progress.update(done, ""));
        ArrowTables.write(outcome.toTable(), dir.resolve(RESULTS));
        AttackSummary s = outcome.summary();
        Map<String, String> summary = new TreeMap<>();
        summary.put("attack", task.attack().name());
        summary.put("examples", Integer.toString(s.examples()));
        summary.put("sample_classes", dev.drelu.data.StratifiedSample.classCounts(sample.labels(), sample.numClasses()));
        summary.put("clean_accuracy", Double.toString(s.cleanAccuracy()));
        summary.put("robust_accuracy", Double.toString(s.robustAccuracy()));
        summary.put("zero_gradient_fraction", Double.toString(s.zeroGradientFraction()));
        summary.put("max_linf", Double.toString(s.maxLinf()));
        summary.put("mean_l2", Double.toString(s.meanL2()));
        summary.put("images_per_second", Double.toString(s.imagesPerSecond()));
        summary.put("mean_queries", Double.toString(s.meanQueries()));
        summary.put("max_queries", Integer.toString(s.maxQueries()));
        return summary;
      }
    });
  }
}
