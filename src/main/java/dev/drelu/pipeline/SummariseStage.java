package dev.drelu.pipeline;

import dev.drelu.attack.AttackMethod;
import dev.drelu.attack.AttackOutcome;
import dev.drelu.attack.AttackParams;
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
        r.worstCase().forEach((t, v) -> summary.put(prefix + "worst_" + t.toLowerCase(java.util.Locale.ROOT)
            .replace(' ', '_'), Double.toString(v)));
        r.medianL2().forEach((a, v) -> summary.put(prefix + a + "_median_l2", Double.toString(v)));
        if (r.atChance()) {
          summary.put(prefix + "at_chance", "yes");
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
      diagnoses.put(m.inputKeys().get(0), DiagnoseStage.read(runner.store().open(Stage.DIAGNOSE.key(), key)));
    }
    return diagnoses;
  }

  static SummaryTable build(Tasks.Summarise task, StageRunner runner,
      Map<String, dev.drelu.attack.Diagnostics.Report> diagnoses) throws IOException {
    // attack artifacts name their model as the first input key; shards arrive in order
    Map<String, Map<String, List<AttackOutcome>>> shards = new LinkedHashMap<>();
    List<String> attackNames = new ArrayList<>();
    for (String key : task.attackKeys()) {
      Manifest m = readManifest(runner, Stage.ATTACK, key);
      AttackOutcome outcome = AttackOutcome.fromTable(ArrowTables.read(
          runner.store().open(Stage.ATTACK.key(), key).file(AttackStage.RESULTS)));
      shards.computeIfAbsent(m.inputKeys().get(0), k -> new LinkedHashMap<>())
          .computeIfAbsent(outcome.attack(), k -> new ArrayList<>()).add(outcome);
      if (!attackNames.contains(outcome.attack())) {
        attackNames.add(outcome.attack());
      }
    }
    // one worst case per threat model, in the order the spec first uses each
    Map<String, String> threatOf = new LinkedHashMap<>();
    List<String> minimumDistance = new ArrayList<>();
    for (String name : attackNames) {
      AttackParams a = task.attacks().get(name);
      threatOf.put(name, a.threatModel().label());
      if (a.method() == AttackMethod.CW_L2) {
        minimumDistance.add(name);
      }
    }
    List<String> threatModels = threatOf.values().stream().distinct().toList();
    List<SummaryTable.Row> rows = new ArrayList<>();
    for (String modelKey : task.modelKeys()) {
      Manifest model = readManifest(runner, Stage.TRAIN, modelKey);
      int classes = TrainedModels.card(runner.store().open(Stage.TRAIN.key(), modelKey)).input().numClasses();
      Map<String, AttackOutcome> outcomes = new LinkedHashMap<>();
      shards.getOrDefault(modelKey, Map.of()).forEach((name, parts) -> outcomes.put(name, AttackOutcome.concat(parts)));
      Map<String, Double> accuracy = new TreeMap<>();
      Map<String, Double> medianL2 = new TreeMap<>();
      double clean = Double.NaN;
      double zeroGrad = Double.NaN;
      int examples = 0;
      for (AttackOutcome o : outcomes.values()) {
        accuracy.put(o.attack(), o.summary().robustAccuracy());
        clean = o.summary().cleanAccuracy();
        zeroGrad = o.summary().zeroGradientFraction();
        examples = o.size();
        if (minimumDistance.contains(o.attack())) {
          medianL2.put(o.attack(), RobustnessMeasures.medianL2OfBroken(o));
        }
      }
      Map<String, Double> worst = new TreeMap<>();
      for (String threat : threatModels) {
        List<AttackOutcome> within = outcomes.values().stream()
            .filter(o -> threat.equals(threatOf.get(o.attack()))).toList();
        if (!within.isEmpty()) {
          worst.put(threat, RobustnessMeasures.worstCase(within));
        }
      }
      dev.drelu.attack.Diagnostics.Report d = diagnoses.get(modelKey);
      rows.add(new SummaryTable.Row(task.labels().getOrDefault(modelKey, modelKey), modelKey,
          number(model.summary(), "best_val_accuracy"), clean, accuracy, worst, medianL2, zeroGrad,
          number(model.summary(), "cap_mean"), masking(d), d != null ? d.evidence() : "", 1.0 / classes,
          RobustnessMeasures.atChance(clean, examples, classes)));
    }
    return new SummaryTable(attackNames, threatModels, minimumDistance, rows);
  }

  private static String masking(dev.drelu.attack.Diagnostics.Report r) {
    return r == null ? "-" : r.maskingSuspected() ? "yes" : "no";
  }

  private static Manifest readManifest(StageRunner runner, Stage stage, String key) throws IOException {
    return runner.store().open(stage.key(), key).manifest();
  }

  private static double number(Map<String, String> summary, String key) {
    String v = summary.get(key);
    return v == null ? Double.NaN : Double.parseDouble(v);
  }
}
