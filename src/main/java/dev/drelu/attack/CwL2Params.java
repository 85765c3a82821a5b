package dev.drelu.attack;

import dev.drelu.core.Checks;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Carlini &amp; Wagner L2's parameters (2017), L2 only: a tanh change of variables, Adam, and a
 * binary search over the constant c.
 *
 * @param name label in tables and column names
 * @param threatModel the L2 ball the result is judged in
 * @param steps Adam steps per binary-search step
 * @param confidence kappa
 * @param binarySearchSteps the search over c
 * @param learningRate Adam's learning rate
 * @param initialConst the first c
 * @param straightThrough BPDA through the caps
 * @param source craft on the model itself or on its plain-ReLU twin
 * @param seed every attack names its seed
 * @param modelOutput what the attack takes for the logits: the logits (sound) or softmax
 *     probabilities (the paper's protocol, {@link ModelOutput})
 */
public record CwL2Params(String name, ThreatModel threatModel, int steps, double confidence, int binarySearchSteps,
    double learningRate, double initialConst, boolean straightThrough, AttackSource source, long seed, ModelOutput modelOutput)
    implements GradientAttack {
  public CwL2Params {
    Objects.requireNonNull(modelOutput, "model-output");
    AttackChecks.common(name, AttackMethod.CW_L2, threatModel, EnumSet.of(Norm.L2));
    Checks.atLeast("steps", steps, 1);
    Checks.nonNegative("confidence", confidence);
    Checks.atLeast("binary-search-steps", binarySearchSteps, 0);
    Checks.positive("learning-rate", learningRate);
    Checks.positive("initial-const", initialConst);
    Objects.requireNonNull(source, "source");
  }

  /** The sound form: the attack sees the logits. */
  public CwL2Params(String name, ThreatModel threatModel, int steps, double confidence, int binarySearchSteps,
      double learningRate, double initialConst, boolean straightThrough, AttackSource source, long seed) {
    this(name, threatModel, steps, confidence, binarySearchSteps, learningRate, initialConst, straightThrough,
        source, seed, ModelOutput.LOGITS);
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public AttackMethod method() {
    return AttackMethod.CW_L2;
  }

  @Override
  public CwL2Params withName(String n) {
    return new CwL2Params(n, threatModel, steps, confidence, binarySearchSteps, learningRate, initialConst,
        straightThrough, source, seed, modelOutput);
  }

  @Override
  public CwL2Params withEpsilon(double e) {
    return new CwL2Params(name, threatModel.withEpsilon(e), steps, confidence, binarySearchSteps, learningRate,
        initialConst, straightThrough, source, seed, modelOutput);
  }

  @Override
  public CwL2Params withStraightThrough(boolean on) {
    return new CwL2Params(name, threatModel, steps, confidence, binarySearchSteps, learningRate, initialConst, on,
        source, seed, modelOutput);
  }

  @Override
  public Map<String, Object> keyContent() {
    Map<String, Object> k = AttackKeys.gradient(this);
    k.put("steps", steps);
    k.put("confidence", confidence);
    k.put("binary-search-steps", binarySearchSteps);
    k.put("learning-rate", learningRate);
    k.put("initial-const", initialConst);
    return k;
  }

  @Override
  public Attack newAttack() {
    return new CwL2(this);
  }

  /**
   * Builds {@link CwL2Params} with the reference defaults: kappa 0, 9 search steps, learning rate
   * 0.01, first c 1e-3, and 1000 steps.
   */
  public static final class Builder extends GradientAttackBuilder<Builder> {
    // cleverhans' default: at 100 steps tanh saturates on 0/1 pixels and CW-L2 is far too weak on MNIST
    private int steps = 1000;
    private double confidence = 0;
    private int binarySearchSteps = 9;
    private double learningRate = 0.01;
    private double initialConst = 1e-3;

    private Builder() {
      super(AttackMethod.CW_L2, Norm.L2);
    }

    public Builder steps(int v) { steps = v; return this; }
    public Builder confidence(double v) { confidence = v; return this; }
    public Builder binarySearchSteps(int v) { binarySearchSteps = v; return this; }
    public Builder learningRate(double v) { learningRate = v; return this; }
    public Builder initialConst(double v) { initialConst = v; return this; }

    @Override
    public List<Setting> settings() {
      return Setting.join(super.settings(), Setting.whole("steps", this::steps),
          Setting.number("confidence", this::confidence), Setting.whole("binary-search-steps", this::binarySearchSteps),
          Setting.number("learning-rate", this::learningRate), Setting.number("initial-const", this::initialConst));
    }

    @Override
    public CwL2Params build() {
      return new CwL2Params(name, threatModel(), steps, confidence, binarySearchSteps, learningRate, initialConst,
          straightThrough, source, seed, modelOutput);
    }
  }
}
