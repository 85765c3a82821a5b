package dev.drelu.attack;

/**
 * An iterative gradient attack with restarts (PGD, APGD): the attacks that measure white-box
 * robustness, whose result should not move when their budget is doubled unless gradients are masked.
 */
public sealed interface Restartable extends GradientAttack permits PgdParams, ApgdParams {
  int steps();

  int restarts();

  /** @return the attack named "<name>-x2" with twice the steps and restarts (PGD: half the step size) */
  Restartable doubledBudget();
}
