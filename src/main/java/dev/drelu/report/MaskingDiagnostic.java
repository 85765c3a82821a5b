package dev.drelu.report;

import java.io.Serializable;

/**
 * One gradient-masking sign for one model (METHOD.md section 10), e.g. the share of inputs with
 * an exactly zero input gradient, or how much accuracy a straight-through attack removes.
 *
 * @param model the model's label
 * @param metric what was measured, e.g. "zero-grad (%)"
 * @param value the number
 * @param flag a warning to show beside it ("" when the value looks fine)
 */
public record MaskingDiagnostic(String model, String metric, double value, String flag) implements Serializable {
  public MaskingDiagnostic {
    flag = flag == null ? "" : flag;
  }
}
