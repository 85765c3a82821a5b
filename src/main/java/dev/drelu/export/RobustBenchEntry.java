package dev.drelu.export;

import dev.drelu.attack.ThreatModel;
import java.util.List;
import java.util.Objects;

/**
 * One model's robustness evaluation, as a RobustBench model record says it
 * ({@code model_info/<dataset>/<threat model>/<model>.json} in RobustBench/robustbench), plus what
 * drelu knows about how the number was obtained. {@link RobustBenchJson} writes it.
 *
 * @param name the model's name (RobustBench: the paper's title; drelu: e.g. "dense-drelu s1")
 * @param link where the model or its paper is described
 * @param authors comma-separated, as RobustBench writes them; may be empty
 * @param venue e.g. "ICML 2020"; may be empty (RobustBench shows "Unpublished")
 * @param dataset e.g. "mnist" or "cifar10"
 * @param architecture e.g. "shallow-cnn/drelu" ({@link dev.drelu.nn.ModelSpec#label()})
 * @param additionalData whether training used data beyond the dataset's training split
 * @param threatModel the norm and radius every attack of the evaluation used
 * @param cleanAccuracy accuracy on the attacked examples without attack, in [0, 1]
 * @param robustAccuracy the per-example worst case over every attack of the sound preset, in
 *     [0, 1]; RobustBench's {@code autoattack_acc}
 * @param reportedAccuracy what the model's paper printed for this threat model, in [0, 1], or
 *     null when it printed nothing (written as "N/A")
 * @param maskingSuspected whether drelu's gradient-masking checks fired: the entry is then
 *     {@code unreliable}, as RobustBench marks evaluations it does not trust
 * @param maskingEvidence what the checks found (empty when none fired)
 * @param provenance how the numbers were obtained
 */
public record RobustBenchEntry(
    String name,
    String link,
    String authors,
    String venue,
    String dataset,
    String architecture,
    boolean additionalData,
    ThreatModel threatModel,
    double cleanAccuracy,
    double robustAccuracy,
    Double reportedAccuracy,
    boolean maskingSuspected,
    String maskingEvidence,
    Provenance provenance) {

  public RobustBenchEntry {
    named("name", name);
    Objects.requireNonNull(link, "robustbench entry: link must be given (may be empty)");
    Objects.requireNonNull(authors, "robustbench entry: authors must be given (may be empty)");
    Objects.requireNonNull(venue, "robustbench entry: venue must be given (may be empty)");
    named("dataset", dataset);
    named("architecture", architecture);
    Objects.requireNonNull(threatModel, "robustbench entry: threat model must be given");
    Objects.requireNonNull(provenance, "robustbench entry: provenance must be given");
    fraction("clean accuracy", cleanAccuracy);
    fraction("robust accuracy", robustAccuracy);
    if (reportedAccuracy != null) {
      fraction("reported accuracy", reportedAccuracy);
    }
    maskingEvidence = maskingEvidence == null ? "" : maskingEvidence.strip();
    if (maskingSuspected && maskingEvidence.isEmpty()) {
      throw new IllegalArgumentException("robustbench entry: masking is suspected, so its evidence must be given");
    }
  }

  /**
   * How the entry's numbers were obtained.
   *
   * @param attacks the attacks whose per-example worst case is the robust accuracy, by name
   * @param examples how many test examples were attacked
   * @param sampling how they were chosen ({@link dev.drelu.attack.EvaluationParams#sampling()})
   * @param protocol "sound" or "paper" (drelu.protocol): only a sound evaluation belongs on a
   *     leaderboard, but the record says which it is either way
   * @param codeVersion drelu's code version ({@link dev.drelu.core.CodeVersion})
   * @param modelKey the store key of the trained model
   * @param attackKeys the store keys of the attack results
   * @param diagnoseKey the store key of the masking diagnosis; null if none ran
   */
  public record Provenance(
      List<String> attacks,
      int examples,
      String sampling,
      String protocol,
      String codeVersion,
      String modelKey,
      List<String> attackKeys,
      String diagnoseKey) {

    public Provenance {
      attacks = List.copyOf(attacks);
      attackKeys = List.copyOf(attackKeys);
      if (attacks.isEmpty()) {
        throw new IllegalArgumentException("robustbench entry: provenance must name at least one attack");
      }
      if (examples < 1) {
        throw new IllegalArgumentException("robustbench entry: examples must be at least 1, but was: " + examples);
      }
      named("sampling", sampling);
      named("protocol", protocol);
      named("code version", codeVersion);
      named("model key", modelKey);
    }
  }

  private static void named(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("robustbench entry: " + field + " must not be blank, but was: " + value);
    }
  }

  private static void fraction(String field, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException("robustbench entry: " + field + " must be in [0, 1], but was: " + value
          + (value > 1 && value <= 100 ? "; give a fraction, not a percentage" : ""));
    }
  }
}
