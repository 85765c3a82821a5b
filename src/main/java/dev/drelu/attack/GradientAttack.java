package dev.drelu.attack;

/**
 * An attack that follows the model's input gradients: it can be made adaptive (BPDA through the
 * caps) or crafted on another model and replayed (transfer).
 */
public sealed interface GradientAttack extends AttackParams
    permits FgsmParams, CwL2Params, Restartable {
  /**
   * @return BPDA: gradients pass through caps as if they were plain ReLUs; the forward pass, and
   *     so every verdict, stays exact
   */
  @Override
  boolean straightThrough();

  /** @return craft on the model itself, or on its plain-ReLU twin and replay (transfer) */
  @Override
  AttackSource source();

  /** @return the same attack with BPDA on or off */
  GradientAttack withStraightThrough(boolean on);
}
