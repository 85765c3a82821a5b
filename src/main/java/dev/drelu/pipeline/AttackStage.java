package dev.drelu.pipeline;

import dev.drelu.attack.AttackOutcome;
import dev.drelu.attack.AttackSummary;
import dev.drelu.attack.RobustEvaluator;
import dev.drelu.core.Progress;
import dev.drelu.data.ArrowTables;
import dev.drelu.data.ImageDataset;
import dev.drelu.nn.Classifier;
import dev.drelu.nn.Devices;
import dev.drelu.store.ArtifactRef;
import dev.drelu.store.Json;
import dev.drelu.train.ModelCard;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/** Runs one attack on one trained model over the test set; writes per-example results. */
public final class AttackStage {
  static final String RESULTS = "results.arrow";

  private final DatasetCache datasets = new DatasetCache();

  /** @return the attack result artifact */
  public ArtifactRef run(Tasks.Attack task, StageRunner runner) throws Exception {
    return runner.execute(task, (dir, runId) -> {
      Path modelDir = runner.store().location(Stage.TRAIN.key(), task.modelKey());
      ModelCard card = Json.CANONICAL.readValue(modelDir.resolve(TrainStage.CARD).toFile(), ModelCard.class);
      ImageDataset test = datasets.read(
          runner.store().location(Stage.PREPARE.key(), task.datasetKey()).resolve(PrepareStage.TEST));
      if (task.evaluation().examples() > 0) {
        test = test.head(task.evaluation().examples());
      }
      try (Classifier model = Classifier.load(card.model(), card.input(), modelDir.resolve(TrainStage.PARAMS),
          Devices.resolve(runner.context().device()))) {
        Progress progress = Progress.start("attack " + task.label(), "images", test.size());
        AttackOutcome outcome = RobustEvaluator.run(model, test, task.attack(), task.evaluation().batchSize(),
            done -> progress.update(done, ""));
        ArrowTables.write(outcome.toTable(), dir.resolve(RESULTS));
        AttackSummary s = outcome.summary();
        Map<String, String> summary = new TreeMap<>();
        summary.put("attack", task.attack().name());
        summary.put("examples", Integer.toString(s.examples()));
        summary.put("clean_accuracy", Double.toString(s.cleanAccuracy()));
        summary.put("robust_accuracy", Double.toString(s.robustAccuracy()));
        summary.put("zero_gradient_fraction", Double.toString(s.zeroGradientFraction()));
        summary.put("max_linf", Double.toString(s.maxLinf()));
        summary.put("mean_l2", Double.toString(s.meanL2()));
        summary.put("images_per_second", Double.toString(s.imagesPerSecond()));
        return summary;
      }
    });
  }
}
