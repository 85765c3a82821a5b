package dev.drelu.report;

import java.io.Serializable;

/**
 * One model's empirical local Lipschitz estimates beside its robust accuracy in the same ball, so
 * the paper's claim (lower caps, smaller output changes, more robustness) can be read off a table.
 *
 * @param model the model's label
 * @param threatModel the ball, e.g. "Linf 0.1"
 * @param robustAccuracy the model's per-example worst case in that ball, NaN if not measured
 * @param meanSearched mean over the examples of the largest ||f(x+d) - f(x)|| / ||d|| a gradient search found
 * @param maxSearched its largest value
 * @param meanSampled mean over the examples of the CLEVER-style sampled Jacobian norm
 * @param maxSampled its largest value
 * @param flag a warning every number of the row carries ("" when none): gradient masking makes
 *     the searched estimate, a gradient search, too low as well
 */
public record LipschitzRow(String model, String threatModel, double robustAccuracy, double meanSearched,
    double maxSearched, double meanSampled, double maxSampled, String flag) implements Serializable {
  public LipschitzRow {
    flag = flag == null ? "" : flag;
  }
}
