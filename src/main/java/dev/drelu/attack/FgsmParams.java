package dev.drelu.attack;

import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;

/**
 * FGSM's parameters: one signed-gradient step of size epsilon, Linf only.
 *
 * @param name label in tables and column names
 * @param threatModel the Linf ball
 * @param straightThrough BPDA through the caps
 * @param source craft on the model itself or on its plain-ReLU twin
 * @param seed FGSM draws nothing, but every attack names its seed
 * @param modelOutput what the attack takes for the logits: the logits (sound) or softmax
 *     probabilities (the paper's protocol, {@link ModelOutput})
 */
public record FgsmParams(String name, ThreatModel threatModel, boolean straightThrough, AttackSource source, long seed, ModelOutput modelOutput)
    implements GradientAttack {
  public FgsmParams {
    Objects.requireNonNull(modelOutput, "model-output");
    AttackChecks.common(name, AttackMethod.FGSM, threatModel, EnumSet.of(Norm.LINF));
    Objects.requireNonNull(source, "source");
  }

  /** The sound form: the attack sees the logits. */
  public FgsmParams(String name, ThreatModel threatModel, boolean straightThrough, AttackSource source, long seed) {
    this(name, threatModel, straightThrough, source, seed, ModelOutput.LOGITS);
  }

  /** FGSM at {@code epsilon} (Linf). */
  public static FgsmParams of(double epsilon) {
    return builder().epsilon(epsilon).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public AttackMethod method() {
    return AttackMethod.FGSM;
  }

  @Override
  public FgsmParams withName(String n) {
    return new FgsmParams(n, threatModel, straightThrough, source, seed, modelOutput);
  }

  @Override
  public FgsmParams withEpsilon(double e) {
    return new FgsmParams(name, threatModel.withEpsilon(e), straightThrough, source, seed, modelOutput);
  }

  @Override
  public FgsmParams withStraightThrough(boolean on) {
    return new FgsmParams(name, threatModel, on, source, seed, modelOutput);
  }

  @Override
  public Map<String, Object> keyContent() {
    return AttackKeys.gradient(this);
  }

  @Override
  public Attack newAttack() {
    return new Fgsm(this);
  }

  /** Builds {@link FgsmParams}; FGSM has no settings of its own. */
  public static final class Builder extends GradientAttackBuilder<Builder> {
    private Builder() {
      super(AttackMethod.FGSM, Norm.LINF);
    }

    @Override
    public FgsmParams build() {
      return new FgsmParams(name, threatModel(), straightThrough, source, seed, modelOutput);
    }
  }
}
