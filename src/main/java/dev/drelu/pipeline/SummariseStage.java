package dev.drelu.pipeline;

import dev.drelu.attack.AttackMethod;
import dev.drelu.attack.AttackOutcome;
import dev.drelu.attack.AttackParams;
import dev.drelu.attack.Diagnostics;
import dev.drelu.store.ArtifactRef;
import dev.drelu.store.ArtifactStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Joins every model's training result and attack results into the pipeline's {@link Summary}. */
public final class SummariseStage {
  private SummariseStage() {}

  /** @return the summary artifact */
  public static ArtifactRef run(Tasks.Summarise task, StageRunner runner) throws Exception {
    return runner.execute(task, Summary::read, (staging, runId) -> {
      Map<String, TrainedModel> models = models(task, runner.store());
      Map<String, Diagnosis> diagnoses = diagnoses(task, runner.store());
      Summary summary = Summary.write(build(task, runner.store(), models, diagnoses), staging);
      runner.tracker().logArtifact(runId, summary.markdown(), null);
      runner.tracker().logArtifact(runId, summary.csv(), null);
      Map<String, Diagnostics.Report> checks = new LinkedHashMap<>();
      diagnoses.forEach((model, d) -> checks.put(model, d.report()));
      dev.drelu.report.Report report = PipelineReport.write(summary, task.pipeline(), models, checks,
          runner.context().parentRunId() == null ? null : runner.tracker().runUrl(runner.context().parentRunId()));
      if (report != null) {
        dev.drelu.report.ReportPublisher.log(runner.tracker(), runId, report);
      }
      return summary;
    });
  }

  /** @return every summarised model by its key, in the table's order */
  private static Map<String, TrainedModel> models(Tasks.Summarise task, ArtifactStore store) throws IOException {
    Map<String, TrainedModel> models = new LinkedHashMap<>();
    for (String key : task.modelKeys()) {
      models.put(key, TrainedModel.read(store, key));
    }
    return models;
  }

  /** @return each diagnosed model's checks and estimates, by the model's key */
  private static Map<String, Diagnosis> diagnoses(Tasks.Summarise task, ArtifactStore store) throws IOException {
    Map<String, Diagnosis> diagnoses = new LinkedHashMap<>();
    for (String key : task.diagnoseKeys()) {
      diagnoses.put(task.modelOf(key), Diagnosis.read(store, key));
    }
    return diagnoses;
  }

  static SummaryTable build(Tasks.Summarise task, ArtifactStore store, Map<String, TrainedModel> models,
      Map<String, Diagnosis> diagnoses) throws IOException {
    // each model's attacks by name; the shards of one attack arrive in order
    Map<String, Map<String, List<AttackOutcome>>> shards = new LinkedHashMap<>();
    List<String> attackNames = new ArrayList<>();
    for (Tasks.AttackRun run : task.attackRuns()) {
      AttackOutcome outcome = run.outcome(store);
      shards.computeIfAbsent(task.modelOf(run.key()), k -> new LinkedHashMap<>())
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
    for (Map.Entry<String, TrainedModel> m : models.entrySet()) {
      String modelKey = m.getKey();
      TrainedModel model = m.getValue();
      int classes = model.card().input().numClasses();
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
      Diagnosis diagnosis = diagnoses.get(modelKey);
      Diagnostics.Report d = diagnosis == null ? null : diagnosis.report();
      rows.add(new SummaryTable.Row(task.labels().getOrDefault(modelKey, modelKey), modelKey,
          model.card().validationAccuracy(), clean, accuracy, worst, medianL2, zeroGrad, model.capMean(), masking(d),
          d != null ? d.evidence() : "", 1.0 / classes, RobustnessMeasures.atChance(clean, examples, classes),
          diagnosis == null ? null : diagnosis.lipschitz()));
    }
    return new SummaryTable(attackNames, threatModels, minimumDistance, rows);
  }

  private static String masking(Diagnostics.Report r) {
    return r == null ? "-" : r.maskingSuspected() ? "yes" : "no";
  }
}
