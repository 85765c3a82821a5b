package dev.drelu.attack;

import java.io.Serializable;

/**
 * Which masking diagnostics to run.
 *
 * @param enabled run the diagnose stage at all
 * @param doubleBudget rerun every iterative gradient attack with twice the steps and restarts
 *     (its accuracy must not fall further)
 */
public record DiagnosticsParams(boolean enabled, boolean doubleBudget) implements Serializable {
  /** On, without the doubled-budget reruns. */
  public static DiagnosticsParams defaults() {
    return new DiagnosticsParams(true, false);
  }
}
