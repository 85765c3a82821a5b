package dev.drelu.pipeline;

import dev.drelu.attack.Diagnostics;
import dev.drelu.attack.LipschitzEstimate;
import dev.drelu.report.LipschitzRow;
import dev.drelu.report.MaskingDiagnostic;
import dev.drelu.report.Report;
import dev.drelu.report.ReportInput;
import dev.drelu.report.ReportWriter;
import dev.drelu.nn.ActivationKind;
import dev.drelu.report.RunLink;
import dev.drelu.report.SweepTable;
import dev.drelu.report.TrainingHistory;
import dev.drelu.stats.AccuracyTable;
import dev.drelu.stats.StatsParams;
import dev.drelu.stats.StatsText;
import dev.drelu.stats.Statistics;
import dev.drelu.stats.StatsResult;
import dev.drelu.train.ModelCard;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a pipeline's summary into the long accuracy table, its statistics and the HTML report
 * (tables, plots, training curves, masking diagnostics, MLflow links).
 */
final class PipelineReport {
  private PipelineReport() {}

  /**
   * Writes the long accuracy table, the statistics (or a note saying why there are none) and the
   * report into a summary being written.
   *
   * @param summary the summary, in its staging folder
   * @param models the summarised models by key
   * @param diagnoses model key to its masking checks
   * @param runUrl the MLflow link of the pipeline execution, or null
   * @return the report, or null when the table is not a full grid of methods (then a note says why)
   */
  static Report write(Summary summary, String pipeline, Map<String, TrainedModel> models,
      Map<String, Diagnostics.Report> diagnoses, String runUrl) throws IOException {
    SummaryTable table = summary.table();
    List<AccuracyTable.Row> rows = new ArrayList<>();
    List<SweepTable.Point> eps = new ArrayList<>();
    List<SweepTable.Point> lambda = new ArrayList<>();
    ReportInput.Builder input = ReportInput.builder().setTitle("drelu: " + pipeline).setPipeline(pipeline);
    Map<String, String> methods;
    try {
      methods = MethodLabels.of(trainedModels(table, models));
    } catch (IllegalArgumentException sameMethod) {
      Files.writeString(summary.statistics(), "No statistics or report: " + sameMethod.getMessage() + "\n",
          StandardCharsets.UTF_8);
      return null;
    }
    int trained = 0;
    for (SummaryTable.Row r : table.rows()) {
      TrainedModel model = models.get(r.modelKey());
      ModelCard card = model.card();
      if (card.isExternal()) {
        // not a cell of the architecture x method grid the statistics compare, and no training
        // curves: its numbers are in the summary table; its masking checks are shown below
        addMasking(input, r, diagnoses.get(r.modelKey()));
        continue;
      }
      trained++;
      String arch = card.model().architecture().key();
      String method = methods.get(r.modelKey());
      String seed = Long.toString(card.training().seed());
      rows.addAll(accuracyRows(table, r, arch, method, seed));
      input.addHistory(TrainingHistory.read(r.model(), model.history()));
      if (card.model().activation() == ActivationKind.DRELU && !Double.isNaN(r.clean())) {
        // D-ReLU models that differ in lambda alone make the accuracy-vs-lambda plot
        String family = card.method().family();
        double l = card.training().lambda();
        lambda.add(new SweepTable.Point(arch, family, "clean", l, r.clean(), seed));
        r.accuracy().forEach((attack, acc) -> lambda.add(new SweepTable.Point(arch, family, attack, l, acc, seed)));
      }
      Diagnostics.Report d = diagnoses.get(r.modelKey());
      if (d != null) {
        for (Diagnostics.SweepPoint p : d.sweep()) {
          eps.add(new SweepTable.Point(arch, method, p.straightThrough() ? "straight-through" : "plain", p.epsilon(),
              p.accuracy(), seed));
        }
      }
      addMasking(input, r, d);
      addLipschitz(input, r);
      if (r.atChance()) {
        input.addMasking(new MaskingDiagnostic(r.model(), "at-chance", r.clean(),
            "clean accuracy is at chance (" + r.chance() + "): its robust accuracies mean nothing"));
      }
    }
    if (rows.isEmpty()) {
      Files.writeString(summary.statistics(), trained == 0
          ? "No statistics or report: they compare the models drelu trains, and this pipeline has only external"
              + " ones; their numbers are in the summary table.\n"
          : "No statistics or report: no attack ran, so there is no test accuracy.\n", StandardCharsets.UTF_8);
      return null;
    }
    AccuracyTable accuracy;
    try {
      accuracy = new AccuracyTable(rows);
    } catch (IllegalArgumentException notAGrid) {
      Files.writeString(summary.statistics(), "No statistics or report: " + notAGrid.getMessage() + "\n",
          StandardCharsets.UTF_8);
      return null;
    }
    Files.writeString(summary.accuracy(), dev.drelu.stats.AccuracyCsv.write(accuracy), StandardCharsets.UTF_8);
    input.setTable(accuracy);
    if (Statistics.applicable(accuracy)) {
      StatsResult stats = Statistics.analyse(accuracy, StatsParams.DEFAULT);
      input.optStats(stats);
      Files.writeString(summary.statistics(), StatsText.markdown(stats), StandardCharsets.UTF_8);
    } else {
      Files.writeString(summary.statistics(),
          "No statistics: they need at least two methods and two rows (architecture x metric).\n",
          StandardCharsets.UTF_8);
    }
    if (runUrl != null) {
      input.addRun(new RunLink("pipeline execution", runUrl));
    }
    if (!eps.isEmpty()) {
      input.optEpsSweep(new SweepTable("eps", eps));
    }
    if (lambda.stream().map(SweepTable.Point::x).distinct().count() > 1) {
      input.optLambdaSweep(new SweepTable("lambda", lambda));
    }
    return ReportWriter.write(input.build(), summary.reportFolder());
  }

  /** @return one model's cells of the long accuracy table: clean, each attack, each worst case */
  private static List<AccuracyTable.Row> accuracyRows(SummaryTable table, SummaryTable.Row r, String arch,
      String method, String seed) {
    List<AccuracyTable.Row> rows = new ArrayList<>();
    if (!Double.isNaN(r.clean())) { // NaN: no attack ran, so no test accuracy was measured
      rows.add(new AccuracyTable.Row(arch, method, "clean", r.clean(), seed));
    }
    for (String attack : table.attacks()) { // the spec's order, so the paper table's columns follow it
      Double acc = r.accuracy().get(attack);
      if (acc != null && !Double.isNaN(acc)) {
        rows.add(new AccuracyTable.Row(arch, method, attack, acc, seed));
      }
    }
    for (String threat : table.threatModels()) {
      Double worst = r.worstCase().get(threat);
      if (worst != null) {
        rows.add(new AccuracyTable.Row(arch, method, SummaryTable.worstColumn(threat), worst, seed));
      }
    }
    return rows;
  }

  /** Puts the model's Lipschitz estimates beside its worst case in the same ball, with its flags. */
  private static void addLipschitz(ReportInput.Builder input, SummaryTable.Row r) {
    LipschitzEstimate.Summary l = r.lipschitz();
    if (l == null) {
      return;
    }
    String flag = r.atChance() ? "clean accuracy at chance" : "yes".equals(r.masking()) ? "possible gradient masking" : "";
    input.addLipschitz(new LipschitzRow(r.model(), l.threatModel(), r.worstCase().getOrDefault(l.threatModel(),
        Double.NaN), l.meanSearched(), l.maxSearched(), l.meanSampled(), l.maxSampled(), flag));
  }

  private static void addMasking(ReportInput.Builder input, SummaryTable.Row r, Diagnostics.Report d) {
    if (d == null) {
      return;
    }
    for (Diagnostics.Check c : d.checks()) {
      if (c.passed() != null) {
        input.addMasking(new MaskingDiagnostic(r.model(), c.name(), c.value(),
            c.passed() ? "" : "possible gradient masking: " + c.detail()));
      }
    }
  }

  /** @return the trained models of the table's rows (external ones are no method), by key */
  private static Map<String, MethodLabels.Model> trainedModels(SummaryTable table, Map<String, TrainedModel> models) {
    Map<String, MethodLabels.Model> trained = new java.util.LinkedHashMap<>();
    for (SummaryTable.Row r : table.rows()) {
      ModelCard card = models.get(r.modelKey()).card();
      if (!card.isExternal()) {
        trained.put(r.modelKey(), new MethodLabels.Model(r.model(), card.model().architecture().key(), card.method(),
            card.training().seed()));
      }
    }
    return trained;
  }
}
