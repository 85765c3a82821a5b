package dev.drelu.pipeline;

import dev.drelu.attack.Diagnostics;
import dev.drelu.attack.LipschitzEstimate;
import dev.drelu.store.Artifact;
import dev.drelu.store.ArtifactFiles;
import dev.drelu.store.ArtifactStore;
import dev.drelu.store.Json;
import dev.drelu.store.SummaryFields;
import java.io.IOException;

/**
 * The diagnose stage's output: the gradient-masking checks of one model ({@code diagnostics.json})
 * and its empirical local Lipschitz estimates ({@code lipschitz.json}). The verdict and every check
 * that ran go to MLflow: numbers as metrics, the flag, the evidence and each check's pass/fail as
 * tags. Which model it belongs to is the task's to say ({@link Tasks.Summarise#modelOf}).
 *
 * @param lipschitz the estimates, null when none were asked for ({@code lipschitz-examples: 0})
 * @param files the artifact's files (the staging folder while it is written)
 */
public record Diagnosis(Diagnostics.Report report, LipschitzEstimate.Summary lipschitz, ArtifactFiles files)
    implements StageOutput {
  private static final String REPORT = "diagnostics.json";
  private static final String LIPSCHITZ = "lipschitz.json";

  /** Writes the checks and the estimates into {@code staging}. */
  static Diagnosis write(Diagnostics.Report report, LipschitzEstimate.Summary lipschitz,
      ArtifactStore.Staging staging) throws IOException {
    Json.CANONICAL.writerWithDefaultPrettyPrinter().writeValue(staging.file(REPORT).toFile(), report);
    if (lipschitz != null) {
      Json.CANONICAL.writerWithDefaultPrettyPrinter().writeValue(staging.file(LIPSCHITZ).toFile(), lipschitz);
    }
    return new Diagnosis(report, lipschitz, staging);
  }

  /** @return the diagnosis of the committed artifact {@code key} */
  static Diagnosis read(ArtifactStore store, String key) throws IOException {
    return read(store.open(Stage.DIAGNOSE.key(), key));
  }

  /** @return the diagnosis of a committed diagnose artifact */
  static Diagnosis read(Artifact a) throws IOException {
    LipschitzEstimate.Summary lipschitz = a.has(LIPSCHITZ)
        ? Json.CANONICAL.readValue(a.file(LIPSCHITZ).toFile(), LipschitzEstimate.Summary.class) : null;
    return new Diagnosis(Json.CANONICAL.readValue(a.file(REPORT).toFile(), Diagnostics.Report.class), lipschitz, a);
  }

  @Override
  public SummaryFields fields() {
    SummaryFields f = new SummaryFields()
        .label("masking_flag", report.flag())
        .count("masking_suspected", report.maskingSuspected() ? 1 : 0);
    if (!report.evidence().isEmpty()) {
      f.label("masking_evidence", report.evidence());
    }
    if (lipschitz != null) {
      f.label("lipschitz_threat_model", lipschitz.threatModel()).count("lipschitz_examples", lipschitz.examples())
          .number("lipschitz_searched_mean", lipschitz.meanSearched())
          .number("lipschitz_searched_max", lipschitz.maxSearched())
          .number("lipschitz_sampled_mean", lipschitz.meanSampled())
          .number("lipschitz_sampled_max", lipschitz.maxSampled());
    }
    for (Diagnostics.Check c : report.checks()) {
      if (c.passed() != null) { // a check that could not run (no sweep, say) says nothing
        f.number("check." + c.name(), c.value()).label("check." + c.name() + ".passed", c.passed() ? "yes" : "NO");
      }
    }
    return f;
  }
}
