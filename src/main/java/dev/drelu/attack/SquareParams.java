package dev.drelu.attack;

import dev.drelu.core.Checks;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The Square Attack's parameters (Andriushchenko et al. 2020): a score-based black box, Linf or
 * L2. It queries the attacked model itself, so it has neither BPDA nor a transfer source.
 *
 * @param name label in tables and column names
 * @param threatModel the ball
 * @param queries the query budget per example
 * @param pInit the initial square-size fraction (reference 0.8)
 * @param allPositions windows may start on the last row and column too (a labelled departure:
 *     the reference never does, see {@link Square})
 * @param seed seeds each example's draws with its index
 * @param modelOutput what the attack takes for the logits: the logits (sound) or softmax
 *     probabilities (the paper's protocol, {@link ModelOutput})
 */
public record SquareParams(String name, ThreatModel threatModel, int queries, double pInit, boolean allPositions,
    long seed, ModelOutput modelOutput) implements AttackParams {
  public SquareParams {
    Objects.requireNonNull(modelOutput, "model-output");
    AttackChecks.common(name, AttackMethod.SQUARE, threatModel, EnumSet.allOf(Norm.class));
    Checks.atLeast("queries", queries, 1);
    if (!(pInit > 0 && pInit <= 1)) {
      throw Checks.invalid("p-init", "must be in (0, 1], but was: " + pInit);
    }
  }

  /** The sound form: the attack sees the logits. */
  public SquareParams(String name, ThreatModel threatModel, int queries, double pInit, boolean allPositions, long seed) {
    this(name, threatModel, queries, pInit, allPositions, seed, ModelOutput.LOGITS);
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public AttackMethod method() {
    return AttackMethod.SQUARE;
  }

  @Override
  public SquareParams withName(String n) {
    return new SquareParams(n, threatModel, queries, pInit, allPositions, seed, modelOutput);
  }

  @Override
  public SquareParams withEpsilon(double e) {
    return new SquareParams(name, threatModel.withEpsilon(e), queries, pInit, allPositions, seed, modelOutput);
  }

  @Override
  public Map<String, Object> keyContent() {
    Map<String, Object> k = AttackKeys.common(this);
    k.put("queries", queries);
    k.put("p-init", pInit);
    k.put("all-positions", allPositions);
    return k;
  }

  @Override
  public Attack newAttack() {
    return new Square(this);
  }

  /** Builds {@link SquareParams} with the reference defaults: 5000 queries, p-init 0.8, the reference's window positions. */
  public static final class Builder extends AttackBuilder<Builder> {
    private int queries = 5000;
    private double pInit = 0.8;
    private boolean allPositions;

    private Builder() {
      super(AttackMethod.SQUARE, Norm.LINF);
    }

    public Builder queries(int v) { queries = v; return this; }
    public Builder pInit(double v) { pInit = v; return this; }
    public Builder allPositions(boolean v) { allPositions = v; return this; }

    @Override
    public List<Setting> settings() {
      return Setting.join(super.settings(), Setting.whole("queries", this::queries),
          Setting.number("p-init", this::pInit), Setting.flag("all-positions", this::allPositions));
    }

    @Override
    public SquareParams build() {
      return new SquareParams(name, threatModel(), queries, pInit, allPositions, seed, modelOutput);
    }
  }
}
