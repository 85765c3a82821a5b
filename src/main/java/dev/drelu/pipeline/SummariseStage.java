package dev.drelu.pipeline;

import dev.drelu.attack.AttackOutcome;
import dev.drelu.data.ArrowTables;
import dev.drelu.store.ArtifactRef;
import dev.drelu.store.Json;
import dev.drelu.store.Manifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Joins every model's training result and attack results into the pipeline's table. */
public final class SummariseStage {
  static final String MARKDOWN = "summary.md";
  static final String CSV = "summary.csv";
  static final String JSON = "summary.json";

  private SummariseStage() {}

  /** @return the summary artifact */
  public static ArtifactRef run(Tasks.Summarise task, StageRunner runner) throws Exception {
    return runner.execute(task, (dir, runId) -> {
      Map<String, dev.drelu.attack.Diagnostics.Report> diagnoses = diagnoses(task, runner);
      SummaryTable table = build(task, runner, diagnoses);
      Files.writeString(dir.resolve(MARKDOWN), table.toMarkdown(), StandardCharsets.UTF_8);
      Files.writeString(dir.resolve(CSV), table.toCsv(), StandardCharsets.UTF_8);
      Json.CANONICAL.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(JSON).toFile(), table);
      runner.tracker().logArtifact(runId, dir.resolve(MARKDOWN), null);
      runner.tracker().logArtifact(runId, dir.resolve(CSV), null);
      dev.drelu.report.Report report = PipelineReport.write(dir, task.pipeline(), table, diagnoses, runner,
          runner.context().parentRunId() == null ? null : runner.tracker().runUrl(runner.context().parentRunId()));
      if (report != null) {
        dev.drelu.report.ReportPublisher.log(runner.tracker(), runId, report);
      }
      Map<String, String> summary = new TreeMap<>();
      for (SummaryTable.Row r : table.rows()) {
        String prefix = r.model().replace(' ', '_') + ".";
        summary.put(prefix + "clean", Double.toString(r.clean()));
        r.accuracy().forEach((a, v) -> summary.put(prefix + a, Double.toString(v)));
        if (!Double.isNaN(r.worstCase())) {
          summary.put(prefix + "worst_case", Double.toString(r.worstCase()));
        }
      }
      return summary;
    });
  }

  /** @return the table read back from a committed summary artifact */
  public static SummaryTable read(ArtifactRef ref) throws IOException {
    return Json.CANONICAL.readValue(Path.of(ref.location()).resolve(JSON).toFile(), SummaryTable.class);
  }

  private static Map<String, dev.drelu.attack.Diagnostics.Report> diagnoses(Tasks.Summarise task, StageRunner runner)
      throws IOException {
    Map<String, dev.drelu.attack.Diagnostics.Report> diagnoses = new LinkedHashMap<>();
    for (String key : task.diagnoseKeys()) {
      Manifest m = readManifest(runner, Stage.DIAGNOSE, key);
      diagnoses.put(m.inputKeys().get(0), DiagnoseStage.read(runner.store().location(Stage.DIAGNOSE.key(), key)));
    }
    return diagnoses;
  }

  static SummaryTable build(Tasks.Summarise task, StageRunner runner,
      Map<String, dev.drelu.attack.Diagnostics.Report> diagnoses) throws IOException {
    // attack artifacts name their model as the first input key; shards arrive in order
    Map<String, Map<String, List<AttackOutcome>>> shards = new LinkedHashMap<>();
    List<String> attackNames = new ArrayList<>();
    for (String key : task.attackKeys()) {
      Path dir = runner.store().location(Stage.ATTACK.key(), key);
      Manifest m = readManifest(runner, Stage.ATTACK, key);
      AttackOutcome outcome = AttackOutcome.fromTable(ArrowTables.read(dir.resolve(AttackStage.RESULTS)));
      shards.computeIfAbsent(m.inputKeys().get(0), k -> new LinkedHashMap<>())
          .computeIfAbsent(outcome.attack(), k -> new ArrayList<>()).add(outcome);
      if (!attackNames.contains(outcome.attack())) {
        attackNames.add(outcome.attack());
      }
    }
    Map<String, List<AttackOutcome>> byModel = new LinkedHashMap<>();
    shards.forEach((model, byAttack) ->
        byAttack.values().forEach(parts -> byModel.computeIfAbsent(model, k -> new ArrayList<>()).add(AttackOutcome.concat(parts))));
    List<SummaryTable.Row> rows = new ArrayList<>();
    for (String modelKey : task.modelKeys()) {
      Manifest model = readManifest(runner, Stage.TRAIN, modelKey);
      List<AttackOutcome> outcomes = byModel.getOrDefault(modelKey, List.of());
      Map<String, Double> accuracy = new TreeMap<>();
      double clean = Double.NaN;
      double zeroGrad = Double.NaN;
      for (AttackOutcome o : outcomes) {
        accuracy.put(o.attack(), o.summary().robustAccuracy());
        clean = o.summary().cleanAccuracy();
        zeroGrad = o.summary().zeroGradientFraction();
      }
      rows.add(new SummaryTable.Row(task.labels().getOrDefault(modelKey, modelKey), modelKey,
          number(model.summary(), "best_val_accuracy"), clean, accuracy, worstCase(outcomes), zeroGrad,
          number(model.summary(), "cap_mean"), masking(diagnoses.get(modelKey)),
          diagnoses.containsKey(modelKey) ? diagnoses.get(modelKey).evidence() : ""));
    }
    return new SummaryTable(attackNames, rows);
  }

  private static String masking(dev.drelu.attack.Diagnostics.Report r) {
    return r == null ? "-" : r.maskingSuspected() ? "yes" : "no";
  }

  /** @return the share of examples correct clean and under every attack (joined on example index) */
  static double worstCase(List<AttackOutcome> outcomes) {
    if (outcomes.isEmpty()) {
      return Double.NaN;
    }
    Map<Integer, Boolean> robust = new TreeMap<>();
    for (AttackOutcome o : outcomes) {
      for (int i = 0; i < o.size(); i++) {
        boolean ok = o.cleanPrediction()[i] == o.label()[i] && o.adversarialPrediction()[i] == o.label()[i];
        robust.merge(o.index()[i], ok, Boolean::logicalAnd);
      }
    }
    return robust.values().stream().filter(b -> b).count() / (double) robust.size();
  }

  private static Manifest readManifest(StageRunner runner, Stage stage, String key) throws IOException {
    return runner.store().manifest(new ArtifactRef(stage.key(), key,
        runner.store().location(stage.key(), key).toString(), Map.of()));
  }

  private static double number(Map<String, String> summary, String key) {
    String v = summary.get(key);
    return v == null ? Double.NaN : Double.parseDouble(v);
  }
}
