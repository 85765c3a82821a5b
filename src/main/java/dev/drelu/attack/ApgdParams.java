package dev.drelu.attack;

import dev.drelu.core.Checks;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Auto-PGD's parameters (Croce &amp; Hein 2020): on cross-entropy (apgd-ce), on the
 * difference-of-logits ratio (apgd-dlr), or targeted on the top wrong classes (apgd-t).
 *
 * @param name label in tables and column names
 * @param method apgd-ce, apgd-dlr or apgd-t
 * @param threatModel the ball
 * @param steps iterations per run
 * @param restarts runs per example, each only on the examples still robust
 * @param rho the step-halving threshold (reference 0.75)
 * @param momentum the momentum alpha (reference 0.75)
 * @param targets apgd-t: how many of the highest-scoring wrong classes to target (reference 9);
 *     0 for apgd-ce and apgd-dlr, which target none (it is not one of their keys)
 * @param straightThrough BPDA through the caps
 * @param source craft on the model itself or on its plain-ReLU twin
 * @param seed seeds the random starts
 * @param surrogate the gradient followed through the caps, annealed over the gradients of each
 *     run; straight-through exactly when {@code straightThrough}
 * @param modelOutput what the attack takes for the logits: the logits (sound) or softmax
 *     probabilities (the paper's protocol, {@link ModelOutput})
 * @param eotSamples gradients averaged per step (expectation over transformation; AutoAttack's
 *     "rand" version uses 20); see {@link Apgd} for why one evaluation gives that mean here
 */
public record ApgdParams(String name, AttackMethod method, ThreatModel threatModel, int steps, int restarts,
    double rho, double momentum, int targets, boolean straightThrough, AttackSource source, long seed,
    SurrogateSchedule surrogate, ModelOutput modelOutput, int eotSamples) implements Restartable {
  private static final Set<AttackMethod> METHODS = EnumSet.of(AttackMethod.APGD_CE, AttackMethod.APGD_DLR,
      AttackMethod.APGD_T);

  public ApgdParams {
    Objects.requireNonNull(modelOutput, "model-output");
    Checks.atLeast("eot-samples", eotSamples, 1);
    if (!METHODS.contains(method)) {
      throw Checks.invalid("method", "must be apgd-ce, apgd-dlr or apgd-t, but was: "
          + (method == null ? null : method.key()));
    }
    AttackChecks.common(name, method, threatModel, EnumSet.allOf(Norm.class));
    Checks.atLeast("steps", steps, 1);
    Checks.atLeast("restarts", restarts, 1);
    Checks.inRange("rho", rho, 0.0, 1.0);
    Checks.inRange("momentum", momentum, 0.0, 1.0);
    if (targeted(method)) {
      if (targets < 1) {
        throw Checks.invalid("targets", "must be at least 1 for apgd-t, but was: " + targets);
      }
    } else if (targets != 0) {
      throw Checks.invalid("targets", "applies to apgd-t only, but was: " + targets + " for " + method.key());
    }
    Objects.requireNonNull(source, "source");
    AttackChecks.surrogateMatches(straightThrough, surrogate);
  }

  /** APGD following the exact or the straight-through gradient, on the logits, one gradient per step. */
  public ApgdParams(String name, AttackMethod method, ThreatModel threatModel, int steps, int restarts,
      double rho, double momentum, int targets, boolean straightThrough, AttackSource source, long seed) {
    this(name, method, threatModel, steps, restarts, rho, momentum, targets, straightThrough, source, seed,
        SurrogateSchedule.of(straightThrough), ModelOutput.LOGITS, 1);
  }

  public static Builder builder(AttackMethod method) {
    return new Builder(method);
  }

  private static boolean targeted(AttackMethod method) {
    return method == AttackMethod.APGD_T;
  }

  @Override
  public ApgdParams withName(String n) {
    return new ApgdParams(n, method, threatModel, steps, restarts, rho, momentum, targets, straightThrough, source,
        seed, surrogate, modelOutput, eotSamples);
  }

  @Override
  public ApgdParams withEpsilon(double e) {
    return new ApgdParams(name, method, threatModel.withEpsilon(e), steps, restarts, rho, momentum, targets,
        straightThrough, source, seed, surrogate, modelOutput, eotSamples);
  }

  /** The exact or the straight-through gradient; either replaces a soft cap. */
  @Override
  public ApgdParams withStraightThrough(boolean on) {
    return new ApgdParams(name, method, threatModel, steps, restarts, rho, momentum, targets, on, source, seed,
        SurrogateSchedule.of(on), modelOutput, eotSamples);
  }

  /** APGD adapts its own step, so only the steps and restarts double. */
  @Override
  public ApgdParams doubledBudget() {
    return new ApgdParams(name + "-x2", method, threatModel, 2 * steps, 2 * restarts, rho, momentum, targets,
        straightThrough, source, seed, surrogate, modelOutput, eotSamples);
  }

  @Override
  public Map<String, Object> keyContent() {
    Map<String, Object> k = AttackKeys.gradient(this);
    k.put("steps", steps);
    k.put("restarts", restarts);
    k.put("rho", rho);
    k.put("momentum", momentum);
    if (targeted(method)) {
      k.put("targets", targets);
    }
    // only when it departs from one draw, so every existing APGD keeps its cache key
    if (eotSamples != 1) {
      k.put("eot-samples", eotSamples);
    }
    return k;
  }

  @Override
  public Attack newAttack() {
    // APGD restarts only still-robust examples, as the reference does (see Apgd), not via Restarts
    return new Apgd(this);
  }

  /** Builds {@link ApgdParams} with the reference defaults: 100 steps, one run, rho and momentum 0.75, 9 targets. */
  public static final class Builder extends GradientAttackBuilder<Builder> {
    private int steps = 100;
    private int restarts = 1;
    private double rho = 0.75;
    private double momentum = 0.75;
    private int targets;
    private int eotSamples = 1;

    private Builder(AttackMethod method) {
      super(method, Norm.LINF);
      targets = targeted(method) ? 9 : 0;
    }

    public Builder steps(int v) { steps = v; return this; }
    public Builder restarts(int v) { restarts = v; return this; }
    public Builder rho(double v) { rho = v; return this; }
    public Builder momentum(double v) { momentum = v; return this; }

    /** apgd-t only. */
    public Builder targets(int v) { targets = v; return this; }
    public Builder eotSamples(int v) { eotSamples = v; return this; }

    @Override
    public List<Setting> settings() {
      List<Setting> all = Setting.join(super.settings(), Setting.whole("steps", this::steps),
          Setting.whole("restarts", this::restarts), Setting.number("rho", this::rho),
          Setting.number("momentum", this::momentum));
      all = targeted(method) ? Setting.join(all, Setting.whole("targets", this::targets)) : all;
      return Setting.join(Setting.join(all, surrogateSettings()), Setting.whole("eot-samples", this::eotSamples));
    }

    @Override
    public ApgdParams build() {
      SurrogateSchedule s = surrogateSchedule();
      return new ApgdParams(name, method, threatModel(), steps, restarts, rho, momentum, targets, s.straightThrough(),
          source, seed, s, modelOutput, eotSamples);
    }
  }
}
