package dev.drelu.attack;

import dev.drelu.core.Checks;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * PGD's parameters (Madry et al. 2018), Linf or L2.
 *
 * @param name label in tables and column names
 * @param threatModel the ball
 * @param steps iterations
 * @param stepSize the step; by default 2.5 * eps / steps (Madry et al.)
 * @param randomStart start from a random point of the ball
 * @param restarts independent runs per example; the worst case over them counts
 * @param straightThrough BPDA through the caps
 * @param source craft on the model itself or on its plain-ReLU twin
 * @param seed seeds the random starts
 * @param loss the loss ascended: cross-entropy (default), the logit margin or DLR
 * @param surrogate the gradient followed through the caps, annealed over the steps of each run;
 *     straight-through exactly when {@code straightThrough}
 * @param modelOutput what the attack takes for the logits: the logits (sound) or softmax
 *     probabilities (the paper's protocol, {@link ModelOutput})
 */
public record PgdParams(String name, ThreatModel threatModel, int steps, double stepSize, boolean randomStart,
    int restarts, boolean straightThrough, AttackSource source, long seed, PgdLoss loss,
    SurrogateSchedule surrogate, ModelOutput modelOutput) implements Restartable {
  public PgdParams {
    Objects.requireNonNull(modelOutput, "model-output");
    AttackChecks.common(name, AttackMethod.PGD, threatModel, EnumSet.allOf(Norm.class));
    Checks.atLeast("steps", steps, 1);
    Checks.nonNegative("step-size", stepSize);
    Checks.atLeast("restarts", restarts, 1);
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(loss, "loss");
    AttackChecks.surrogateMatches(straightThrough, surrogate);
  }

  /** Cross-entropy PGD on the logits, following the exact or the straight-through gradient. */
  public PgdParams(String name, ThreatModel threatModel, int steps, double stepSize, boolean randomStart,
      int restarts, boolean straightThrough, AttackSource source, long seed) {
    this(name, threatModel, steps, stepSize, randomStart, restarts, straightThrough, source, seed, PgdLoss.CE,
        SurrogateSchedule.of(straightThrough), ModelOutput.LOGITS);
  }

  /** Linf PGD with a random start and the step size 2.5 * eps / steps of Madry et al. */
  public static PgdParams of(double epsilon, int steps) {
    return builder().epsilon(epsilon).steps(steps).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Madry et al.'s step: 2.5 eps / steps, so the steps together can cross the ball and back. */
  static double defaultStepSize(double epsilon, int steps) {
    return 2.5 * epsilon / steps;
  }

  @Override
  public AttackMethod method() {
    return AttackMethod.PGD;
  }

  @Override
  public PgdParams withName(String n) {
    return new PgdParams(n, threatModel, steps, stepSize, randomStart, restarts, straightThrough, source, seed, loss,
        surrogate, modelOutput);
  }

  /**
   * A sweep keeps the step size in proportion to the bound; from a zero bound there is no
   * proportion, so the default (2.5 * eps / steps) applies.
   */
  @Override
  public PgdParams withEpsilon(double e) {
    double step = epsilon() > 0 ? stepSize * e / epsilon() : defaultStepSize(e, steps);
    return new PgdParams(name, threatModel.withEpsilon(e), steps, step, randomStart, restarts, straightThrough,
        source, seed, loss, surrogate, modelOutput);
  }

  /** The exact or the straight-through gradient; either replaces a soft cap. */
  @Override
  public PgdParams withStraightThrough(boolean on) {
    return new PgdParams(name, threatModel, steps, stepSize, randomStart, restarts, on, source, seed, loss,
        SurrogateSchedule.of(on), modelOutput);
  }

  /** Half the step, so twice the steps travel as far. */
  @Override
  public PgdParams doubledBudget() {
    return new PgdParams(name + "-x2", threatModel, 2 * steps, stepSize / 2, randomStart, 2 * restarts,
        straightThrough, source, seed, loss, surrogate, modelOutput);
  }

  @Override
  public Map<String, Object> keyContent() {
    Map<String, Object> k = AttackKeys.gradient(this);
    k.put("steps", steps);
    k.put("step-size", stepSize);
    k.put("random-start", randomStart);
    k.put("restarts", restarts);
    if (loss != PgdLoss.CE) { // only when not the default, so existing attacks keep their keys
      k.put("loss", loss.key());
    }
    return k;
  }

  @Override
  public Attack newAttack() {
    return new Restarts(new Pgd(this), restarts, seed);
  }

  /** Builds {@link PgdParams} with the reference defaults: 10 steps, a random start, one run. */
  public static final class Builder extends GradientAttackBuilder<Builder> {
    private int steps = 10;
    /** Null: 2.5 * eps / steps (Madry et al.), resolved in {@link #build}. */
    private Double stepSize;
    private boolean randomStart = true;
    private int restarts = 1;
    private PgdLoss loss = PgdLoss.CE;

    private Builder() {
      super(AttackMethod.PGD, Norm.LINF);
    }

    public Builder steps(int v) { steps = v; return this; }

    /** An explicit step; left unset, {@link #build} uses 2.5 * eps / steps (Madry et al.). */
    public Builder stepSize(double v) { stepSize = finite("step-size", v); return this; }
    public Builder randomStart(boolean v) { randomStart = v; return this; }
    public Builder restarts(int v) { restarts = v; return this; }
    public Builder loss(PgdLoss v) { loss = v; return this; }

    @Override
    public List<Setting> settings() {
      List<Setting> own = Setting.join(super.settings(), Setting.whole("steps", this::steps),
          Setting.number("step-size", this::stepSize), Setting.flag("random-start", this::randomStart),
          Setting.whole("restarts", this::restarts));
      return Setting.join(Setting.join(own, surrogateSettings()), Setting.choice("loss", PgdLoss::parse, this::loss));
    }

    @Override
    public PgdParams build() {
      ThreatModel t = threatModel();
      SurrogateSchedule s = surrogateSchedule();
      return new PgdParams(name, t, steps, stepSize == null ? defaultStepSize(t.epsilon(), steps) : stepSize,
          randomStart, restarts, s.straightThrough(), source, seed, loss, s, modelOutput);
    }
  }
}
