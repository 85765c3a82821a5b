package dev.drelu.report;

import dev.drelu.stats.AccuracyCsv;
import dev.drelu.stats.AccuracyTable;
import dev.drelu.stats.StatsParams;
import dev.drelu.stats.Statistics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The quickstart pipeline's results (summary and the four models' history.csv, copied from a
 * run on 2026-11-27 into src/test/resources/dev/drelu/report/quickstart), plus small lambda and
 * eps sweeps the quickstart does not run, so every kind of figure is drawn.
 */
final class QuickstartFixture {
  static final Path DIR = Path.of("src/test/resources/dev/drelu/report/quickstart");
  static final List<String> MODELS = List.of("dense-relu", "dense-drelu-quick", "cnn-relu", "cnn-drelu-quick");

  private QuickstartFixture() {}

  static AccuracyTable table() throws Exception {
    return AccuracyCsv.read(DIR.resolve("accuracy.csv"));
  }

  static ReportInput input() throws Exception {
    AccuracyTable table = table();
    ReportInput.Builder b = ReportInput.builder()
        .setTitle("drelu quickstart <report>")
        .setPipeline("quickstart")
        .setTable(table)
        .optStats(Statistics.analyse(table, StatsParams.DEFAULT))
        .optLambdaSweep(lambdaSweep())
        .optEpsSweep(epsSweep())
        .addMasking(new MaskingDiagnostic("dense-drelu-quick s1", "zero-grad (%)", 21.8,
            "21.8% of inputs have an exactly zero gradient: gradient attacks cannot start there"))
        .addMasking(new MaskingDiagnostic("dense-drelu-quick s1", "pgd - pgd-bpda (points)", 15.0,
            "the straight-through attack removes 15 points: gradient masking"))
        .addMasking(new MaskingDiagnostic("cnn-drelu-quick s1", "zero-grad (%)", 2.4, ""))
        .addMasking(new MaskingDiagnostic("dense-relu s1", "cap mean", Double.NaN, ""))
        .addRun(new RunLink("pipeline run", "http://127.0.0.1:5117/#/experiments/1/runs/abc"))
        .addRun(new RunLink("train dense-relu s1", "http://127.0.0.1:5117/#/experiments/1/runs/def?x=1&y=<2>"));
    for (String m : MODELS) {
      b.addHistory(TrainingHistory.read(m + " s1", DIR.resolve("history-" + m + "-s1.csv")));
    }
    return b.build();
  }

  static SweepTable lambdaSweep() {
    List<SweepTable.Point> points = new ArrayList<>();
    double[] lambdas = {0, 1e-7, 1e-5, 1e-3, 1e-1, 1, 100};
    for (String arch : List.of("dense", "cnn")) {
      for (int i = 0; i < lambdas.length; i++) {
        points.add(new SweepTable.Point(arch, "drelu", "clean", lambdas[i], 0.97 - 0.02 * i, "1"));
        points.add(new SweepTable.Point(arch, "drelu", "pgd", lambdas[i], 0.10 + 0.05 * i, "1"));
      }
    }
    return new SweepTable("lambda", points);
  }

  static SweepTable epsSweep() {
    List<SweepTable.Point> points = new ArrayList<>();
    for (String method : List.of("relu", "drelu")) {
      for (int i = 0; i <= 5; i++) {
        double eps = 0.02 * i;
        points.add(new SweepTable.Point("dense", method, "apgd-ce", eps,
            Math.max(0, 0.95 - (method.equals("relu") ? 8 : 5) * eps), "1"));
      }
    }
    return new SweepTable("eps", points);
  }
}
