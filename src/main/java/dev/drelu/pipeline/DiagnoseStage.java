package dev.drelu.pipeline;

import dev.drelu.attack.AttackOutcome;
import dev.drelu.attack.Diagnostics;
import dev.drelu.attack.LogitsCheck;
import dev.drelu.data.ArrowTables;
import dev.drelu.data.ImageDataset;
import dev.drelu.nn.Classifier;
import dev.drelu.nn.Devices;
import dev.drelu.store.ArtifactRef;
import dev.drelu.store.Json;
import dev.drelu.train.ModelCard;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs the gradient-masking checks on one model: reads its attack results (shards joined), looks
 * at its logits, and writes {@code diagnostics.json}. The verdict and every check's value go to
 * MLflow (numbers as metrics, the flag and evidence as tags).
 */
public final class DiagnoseStage {
  static final String REPORT = "diagnostics.json";

  private final DatasetCache datasets = new DatasetCache();

  /** @return the diagnostics artifact */
  public ArtifactRef run(Tasks.Diagnose task, StageRunner runner) throws Exception {
    return runner.execute(task, (dir, runId) -> {
      // one run per attack; its shards (separate artifacts, in order) are joined
      Map<String, List<AttackOutcome>> shards = new LinkedHashMap<>();
      Map<String, String> firstKey = new LinkedHashMap<>();
      for (String key : task.attackKeys()) {
        AttackOutcome o = AttackOutcome.fromTable(ArrowTables.read(
            runner.store().open(Stage.ATTACK.key(), key).file(AttackStage.RESULTS)));
        shards.computeIfAbsent(o.attack(), k -> new ArrayList<>()).add(o);
        firstKey.putIfAbsent(o.attack(), key);
      }
      List<Diagnostics.Run> list = new ArrayList<>();
      firstKey.forEach((name, key) -> list.add(new Diagnostics.Run(task.attacks().get(key), task.roles().get(key),
          AttackOutcome.concat(shards.get(name)))));
      ModelCard card = TrainedModels.card(runner.store().open(Stage.TRAIN.key(), task.modelKey()));
      double probabilityLike = probabilityLikeShare(task, runner);
      Diagnostics.Report report = Diagnostics.of(list, card.input().numClasses(), probabilityLike);
      Json.CANONICAL.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(REPORT).toFile(), report);
      Map<String, String> summary = new TreeMap<>();
      summary.put("masking_flag", report.flag());
      summary.put("masking_suspected", report.maskingSuspected() ? "1" : "0");
      if (!report.evidence().isEmpty()) {
        summary.put("masking_evidence", report.evidence());
      }
      for (Diagnostics.Check c : report.checks()) {
        if (c.passed() != null) {
          summary.put("check." + c.name(), Double.toString(c.value()));
          summary.put("check." + c.name() + ".passed", c.passed() ? "yes" : "NO");
        }
      }
      return summary;
    });
  }

  private double probabilityLikeShare(Tasks.Diagnose task, StageRunner runner) throws IOException {
    ImageDataset test = datasets.read(
        runner.store().open(Stage.PREPARE.key(), task.datasetKey()).file(PrepareStage.TEST));
    test = task.evaluation().sample(test); // the examples the attacks saw
    try (Classifier model = TrainedModels.load(runner.store().open(Stage.TRAIN.key(), task.modelKey()), Devices.resolve(runner.context().device()))) {
      return LogitsCheck.probabilityLikeShare(model, test, 256);
    }
  }

  /** @return the report read back from a committed diagnostics artifact */
  static Diagnostics.Report read(dev.drelu.store.Artifact a) throws IOException {
    return Json.CANONICAL.readValue(a.file(REPORT).toFile(), Diagnostics.Report.class);
  }
}
