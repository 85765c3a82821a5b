package dev.drelu.pipeline;

import dev.drelu.attack.AttackOutcome;
import dev.drelu.attack.Diagnostics;
import dev.drelu.attack.LogitsCheck;
import dev.drelu.data.ImageDataset;
import dev.drelu.nn.Classifier;
import dev.drelu.nn.Devices;
import dev.drelu.store.ArtifactRef;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the gradient-masking checks on one model: reads its attack results (shards joined), looks
 * at its logits, and writes a {@link Diagnosis}.
 */
public final class DiagnoseStage {
  private final DatasetCache datasets = new DatasetCache();

  /** @return the diagnostics artifact */
  public ArtifactRef run(Tasks.Diagnose task, StageRunner runner) throws Exception {
    return runner.execute(task, Diagnosis::read, (staging, runId) -> {
      // one run per attack (an alias reads the artifact of the same work under its own name); its
      // shards (separate artifacts, in order) are joined
      Map<String, List<AttackOutcome>> shards = new LinkedHashMap<>();
      Map<String, Tasks.AttackRun> first = new LinkedHashMap<>();
      for (Tasks.AttackRun run : task.runs()) {
        AttackOutcome o = run.outcome(runner.store());
        shards.computeIfAbsent(o.attack(), k -> new ArrayList<>()).add(o);
        first.putIfAbsent(o.attack(), run);
      }
      List<Diagnostics.Run> list = new ArrayList<>();
      first.forEach((name, run) -> list.add(new Diagnostics.Run(run.attack(), run.role(),
          AttackOutcome.concat(shards.get(name)))));
      TrainedModel model = TrainedModel.read(runner.store(), task.modelKey());
      double probabilityLike = probabilityLikeShare(task, model, runner);
      return Diagnosis.write(Diagnostics.of(list, model.card().input().numClasses(), probabilityLike), staging);
    });
  }

  private double probabilityLikeShare(Tasks.Diagnose task, TrainedModel trained, StageRunner runner)
      throws IOException {
    ImageDataset test = PreparedData.read(runner.store(), task.datasetKey()).test(datasets);
    test = task.evaluation().sample(test); // the examples the attacks saw
    try (Classifier model = trained.load(Devices.resolve(runner.context().device()))) {
      return LogitsCheck.probabilityLikeShare(model, test, 256);
    }
  }
}
