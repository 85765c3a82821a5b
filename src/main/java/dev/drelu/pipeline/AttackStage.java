package dev.drelu.pipeline;

import ai.djl.Device;
import dev.drelu.attack.AttackOutcome;
import dev.drelu.attack.RobustEvaluator;
import dev.drelu.core.Progress;
import dev.drelu.data.ImageDataset;
import dev.drelu.data.StratifiedSample;
import dev.drelu.nn.Classifier;
import dev.drelu.nn.Devices;
import dev.drelu.store.ArtifactRef;

/** Runs one attack on one trained (or imported) model over the test set; writes an {@link AttackResult}. */
public final class AttackStage {
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

  /** @return the attack result artifact */
  public ArtifactRef run(Tasks.Attack task, StageRunner runner) throws Exception {
    return runner.execute(task, AttackResult::read, (staging, runId) -> {
      ImageDataset test = PreparedData.read(runner.store(), task.datasetKey()).test(datasets);
      // the same seeded, class-stratified sample for every model and attack, then this task's part
      ImageDataset sample = task.evaluation().sample(test);
      test = shard(sample, task);
      Device device = Devices.resolve(runner.context().device());
      TrainedModel attacked = TrainedModel.read(runner.store(), task.modelKey());
      TrainedModel crafted = task.sourceModelKey().equals(task.modelKey()) ? null
          : TrainedModel.read(runner.store(), task.sourceModelKey());
      try (Classifier model = attacked.load(device); Classifier source = crafted == null ? null : crafted.load(device)) {
        model.setChannelsLast(task.evaluation().channelsLast());
        if (source != null) {
          source.setChannelsLast(task.evaluation().channelsLast());
        }
        ImageDataset examples = test;
        int batch = task.evaluation().batchSize();
        RobustEvaluator.CleanPass clean = CleanPasses.of(task, attacked.weightsSha256(), examples.size(),
            () -> RobustEvaluator.cleanPass(model, examples, batch));
        Progress progress = Progress.start("attack " + task.label(), "images", test.size());
        AttackOutcome outcome = RobustEvaluator.run(model, source == null ? model : source, test, task.attack(),
            batch, clean, done -> progress.update(done, ""));
        return AttackResult.write(outcome, StratifiedSample.classCounts(sample.labels(), sample.numClasses()), staging);
      }
    });
  }
}
