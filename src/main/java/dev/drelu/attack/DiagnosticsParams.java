package dev.drelu.attack;

import dev.drelu.core.Checks;
import java.io.Serializable;

/**
 * Which masking diagnostics to run.
 *
 * @param enabled run the diagnose stage at all
 * @param doubleBudget rerun every iterative gradient attack with twice the steps and restarts
 *     (its accuracy must not fall further)
 * @param lipschitzExamples how many of the attacked examples (the first, in sample order) get an
 *     empirical local Lipschitz estimate ({@link LipschitzEstimate}) at the model's main threat
 *     model; 0 for none. It costs about as much as a 200-step PGD per example, hence a subset
 */
public record DiagnosticsParams(boolean enabled, boolean doubleBudget, int lipschitzExamples) implements Serializable {
  /** Enough examples for a mean whose spread is a few percent, at a tenth of a 1,000-example attack's cost. */
  public static final int LIPSCHITZ_EXAMPLES = 100;

  public DiagnosticsParams {
    Checks.nonNegative("lipschitz-examples", lipschitzExamples);
  }

  /** On, without the doubled-budget reruns, with Lipschitz estimates on 100 examples. */
  public static DiagnosticsParams defaults() {
    return new DiagnosticsParams(true, false, LIPSCHITZ_EXAMPLES);
  }
}
