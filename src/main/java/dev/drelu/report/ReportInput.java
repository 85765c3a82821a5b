package dev.drelu.report;

import dev.drelu.stats.AccuracyTable;
import dev.drelu.stats.StatsResult;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything one report shows. Only the title, the pipeline and the accuracy table are
 * required; each optional part adds its section when present.
 *
 * @param title the page title
 * @param pipeline the pipeline (spec) name
 * @param table accuracy per architecture, method and metric
 * @param stats the statistics over {@code table}, or null when not computed (the section then
 *     says why)
 * @param histories per-model training histories
 * @param masking masking diagnostics rows
 * @param lipschitz local Lipschitz estimates beside robust accuracy, one row per estimated model
 * @param epsSweep accuracy against the attack's eps, or null
 * @param lambdaSweep accuracy against lambda, or null
 * @param runs links to the tracking runs
 */
public record ReportInput(String title, String pipeline, AccuracyTable table, StatsResult stats,
    List<TrainingHistory> histories, List<MaskingDiagnostic> masking, List<LipschitzRow> lipschitz,
    SweepTable epsSweep, SweepTable lambdaSweep, List<RunLink> runs) implements Serializable {
  public ReportInput {
    dev.drelu.core.Checks.notBlank("title", title);
    dev.drelu.core.Checks.notBlank("pipeline", pipeline);
    if (table == null) {
      throw new IllegalArgumentException("table must be given, but was: null");
    }
    histories = List.copyOf(histories);
    masking = List.copyOf(masking);
    lipschitz = List.copyOf(lipschitz);
    runs = List.copyOf(runs);
  }

  /** @return a builder; title, pipeline and table are required */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link ReportInput}: set* are required, opt* optional, add* append. */
  public static final class Builder {
    private String title;
    private String pipeline;
    private AccuracyTable table;
    private StatsResult stats;
    private final List<TrainingHistory> histories = new ArrayList<>();
    private final List<MaskingDiagnostic> masking = new ArrayList<>();
    private final List<LipschitzRow> lipschitz = new ArrayList<>();
    private SweepTable epsSweep;
    private SweepTable lambdaSweep;
    private final List<RunLink> runs = new ArrayList<>();

    private Builder() {}

    public Builder setTitle(String title) {
      this.title = title;
      return this;
    }

    public Builder setPipeline(String pipeline) {
      this.pipeline = pipeline;
      return this;
    }

    public Builder setTable(AccuracyTable table) {
      this.table = table;
      return this;
    }

    public Builder optStats(StatsResult stats) {
      this.stats = stats;
      return this;
    }

    public Builder optEpsSweep(SweepTable sweep) {
      this.epsSweep = sweep;
      return this;
    }

    public Builder optLambdaSweep(SweepTable sweep) {
      this.lambdaSweep = sweep;
      return this;
    }

    public Builder addHistory(TrainingHistory history) {
      histories.add(history);
      return this;
    }

    public Builder addMasking(MaskingDiagnostic row) {
      masking.add(row);
      return this;
    }

    public Builder addLipschitz(LipschitzRow row) {
      lipschitz.add(row);
      return this;
    }

    public Builder addRun(RunLink link) {
      runs.add(link);
      return this;
    }

    /** @throws IllegalArgumentException naming what is missing */
    public ReportInput build() {
      List<String> missing = new ArrayList<>();
      if (title == null) {
        missing.add("title (setTitle)");
      }
      if (pipeline == null) {
        missing.add("pipeline (setPipeline)");
      }
      if (table == null) {
        missing.add("accuracy table (setTable)");
      }
      if (!missing.isEmpty()) {
        throw new IllegalArgumentException("a report needs " + String.join(", ", missing));
      }
      return new ReportInput(title, pipeline, table, stats, histories, masking, lipschitz, epsSweep, lambdaSweep, runs);
    }
  }
}
