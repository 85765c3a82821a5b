package dev.drelu.pipeline;

import dev.drelu.attack.AttackOutcome;
import dev.drelu.attack.Diagnostics;
import dev.drelu.attack.LipschitzEstimate;
import dev.drelu.attack.LogitsCheck;
import dev.drelu.attack.ThreatModel;
import dev.drelu.data.ImageDataset;
import dev.drelu.nn.Classifier;
import dev.drelu.nn.Devices;
import dev.drelu.store.ArtifactRef;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the gradient-masking checks on one model: reads its attack results (shards joined), looks
 * at its logits, estimates its local Lipschitz constants, and writes a {@link Diagnosis}.
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
      TrainedModel trained = TrainedModel.read(runner.store(), task.modelKey());
      ImageDataset test = PreparedData.read(runner.store(), task.datasetKey()).test(datasets);
      test = task.evaluation().sample(test); // the examples the attacks saw
      try (Classifier model = trained.load(Devices.resolve(runner.context().device()))) {
        double probabilityLike = LogitsCheck.probabilityLikeShare(model, test, BATCH);
        Diagnostics.Report report = Diagnostics.of(list, trained.card().input().numClasses(), probabilityLike);
        return Diagnosis.write(report, lipschitz(task, list, model, test), staging);
      }
    });
  }

  /** Batch size of the forward-only and Lipschitz passes: results do not depend on it. */
  private static final int BATCH = 256;

  /**
   * @return the Lipschitz estimates on {@code lipschitz-examples} attacked examples (evenly spaced
   *     over the sample, whose rows may come sorted by class), in
   *     the threat model most of the model's attacks share (ties: the smaller label), or null
   *     when none are asked for or no attack ran in a ball
   */
  private static LipschitzEstimate.Summary lipschitz(Tasks.Diagnose task, List<Diagnostics.Run> runs,
      Classifier model, ImageDataset test) {
    if (task.lipschitzExamples() == 0) {
      return null;
    }
    Map<ThreatModel, Long> attacksIn = runs.stream()
        .filter(r -> r.role() == Diagnostics.Role.MAIN && r.params().epsilon() > 0)
        .collect(java.util.stream.Collectors.groupingBy(r -> r.params().threatModel(),
            java.util.stream.Collectors.counting()));
    return attacksIn.entrySet().stream()
        .min(Comparator.comparing((Map.Entry<ThreatModel, Long> e) -> -e.getValue())
            .thenComparing(e -> e.getKey().label()))
        .map(e -> {
          ThreatModel threat = e.getKey();
          int n = Math.min(test.size(), task.lipschitzExamples());
          int[] rows = new int[n];
          for (int i = 0; i < n; i++) {
            rows[i] = (int) ((long) i * test.size() / n);
          }
          return LipschitzEstimate.of(model, test.select(rows), LipschitzEstimate.Params.defaults(threat), BATCH)
              .summary(threat);
        })
        .orElse(null);
  }
}
