package dev.drelu.attack;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.drelu.core.Checks;
import java.io.Serializable;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * One attack configuration: the threat model (norm ball of radius epsilon around the input,
 * intersected with [0, 1]) and the attack's own settings, each with the reference default.
 *
 * <p>Settings that do not apply to the method are held at 0 / false, so they never change a
 * cache key; {@link #applicableKeys} says which apply (the spec rejects the others).
 *
 * @param name label in tables and column names, e.g. "pgd" or "pgd-bpda"
 * @param method the attack
 * @param norm Linf or L2
 * @param epsilon the bound in [0, 1] pixel units (L2: the Euclidean length of the perturbation)
 * @param steps iterations (PGD, APGD, CW-L2 per binary-search step)
 * @param stepSize PGD's step
 * @param randomStart PGD starts from a random point of the ball
 * @param restarts independent runs per example; the worst case over them counts (PGD, APGD)
 * @param rho APGD's step-halving threshold (reference 0.75)
 * @param momentum APGD's momentum alpha (reference 0.75)
 * @param targets APGD-T: how many of the highest-scoring wrong classes to target (reference 9)
 * @param confidence CW-L2's kappa
 * @param binarySearchSteps CW-L2's search over the constant c
 * @param learningRate CW-L2's Adam learning rate
 * @param initialConst CW-L2's first c
 * @param queries Square's query budget per example
 * @param pInit Square's initial square-size fraction (reference 0.8)
 * @param straightThrough BPDA: gradients pass through caps as if they were plain ReLUs; the
 *     forward pass, and so every verdict, stays exact (gradient methods only)
 * @param source craft on the model itself, or on its plain-ReLU twin and replay (transfer)
 * @param seed seeds all randomness; each example's draws depend only on (seed, its index)
 * @param allPositions Square: windows may start on the last row and column too (a labelled
 *     departure: the reference never does, see {@link Square}). Left out of the JSON form when
 *     false, so the cache keys of every attack that does not use it stay as they were.
 */
public record AttackParams(
    String name,
    AttackMethod method,
    Norm norm,
    double epsilon,
    int steps,
    double stepSize,
    boolean randomStart,
    int restarts,
    double rho,
    double momentum,
    int targets,
    double confidence,
    int binarySearchSteps,
    double learningRate,
    double initialConst,
    int queries,
    double pInit,
    boolean straightThrough,
    AttackSource source,
    long seed,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean allPositions)
    implements Serializable {

  /**
   * What an attack's (and a model's) name may hold: names become MLflow metric and parameter
   * names and table columns, and MLflow refuses most other characters.
   */
  public static final String NAME_PATTERN = "[a-z0-9][a-z0-9_.-]*";

  private static final Set<AttackMethod> APGD = EnumSet.of(AttackMethod.APGD_CE, AttackMethod.APGD_DLR, AttackMethod.APGD_T);

  public AttackParams {
    Checks.notBlank("name", name);
    if (!name.matches(NAME_PATTERN)) {
      throw new IllegalArgumentException("name must be lower-case letters, digits, '-', '_' or '.', but was: " + name);
    }
    if (norm == Norm.LINF) {
      Checks.inRange("epsilon", epsilon, 0.0, 1.0);
    } else {
      Checks.nonNegative("epsilon", epsilon);
    }
    if (!supportedNorms(method).contains(norm)) {
      throw new IllegalArgumentException("norm must be one of " + supportedNorms(method).stream().map(Norm::key).toList()
          + " for " + method.key() + ", but was: " + norm.key());
    }
    Checks.atLeast("steps", steps, 1);
    Checks.nonNegative("step-size", stepSize);
    Checks.atLeast("restarts", restarts, 1);
    Checks.atLeast("targets", targets, 0);
    Checks.atLeast("binary-search-steps", binarySearchSteps, 0);
    Checks.atLeast("queries", queries, 0);
    Checks.nonNegative("confidence", confidence);
    if (APGD.contains(method)) {
      Checks.inRange("rho", rho, 0.0, 1.0);
      Checks.inRange("momentum", momentum, 0.0, 1.0);
    }
    if (method == AttackMethod.CW_L2) {
      Checks.positive("learning-rate", learningRate);
      Checks.positive("initial-const", initialConst);
    }
    if (method == AttackMethod.SQUARE) {
      Checks.atLeast("queries", queries, 1);
      if (!(pInit > 0 && pInit <= 1)) {
        throw new IllegalArgumentException("p-init must be in (0, 1], but was: " + pInit);
      }
    }
    if (straightThrough && !method.usesGradients()) {
      throw new IllegalArgumentException("straight-through needs a gradient attack, but method was: " + method.key());
    }
    if (source != AttackSource.SELF && !method.usesGradients()) {
      throw new IllegalArgumentException("source " + source.key() + " needs a gradient attack, but method was: " + method.key());
    }
  }

  /** @return the norms an attack supports */
  public static Set<Norm> supportedNorms(AttackMethod method) {
    return switch (method) {
      case FGSM -> EnumSet.of(Norm.LINF);
      case CW_L2 -> EnumSet.of(Norm.L2);
      default -> EnumSet.allOf(Norm.class);
    };
  }

  /** @return the YAML keys that mean something for this method (besides the common ones) */
  public static List<String> applicableKeys(AttackMethod method) {
    return switch (method) {
      case FGSM -> List.of();
      case PGD -> List.of("steps", "step-size", "random-start", "restarts");
      case APGD_CE, APGD_DLR -> List.of("steps", "restarts", "rho", "momentum");
      case APGD_T -> List.of("steps", "restarts", "rho", "momentum", "targets");
      case CW_L2 -> List.of("steps", "confidence", "binary-search-steps", "learning-rate", "initial-const");
      case SQUARE -> List.of("queries", "p-init", "all-positions");
    };
  }

  /** The keys every attack takes. */
  public static final List<String> COMMON_KEYS =
      List.of("name", "method", "norm", "epsilon", "straight-through", "source", "seed");

  /** @return a builder with the reference defaults of {@code method} */
  public static Builder builder(AttackMethod method) {
    return new Builder(method);
  }

  /** FGSM at {@code epsilon} (Linf). */
  public static AttackParams fgsm(double epsilon) {
    return builder(AttackMethod.FGSM).epsilon(epsilon).build();
  }

  /** Linf PGD with a random start and the step size 2.5 * eps / steps of Madry et al. */
  public static AttackParams pgd(double epsilon, int steps) {
    return builder(AttackMethod.PGD).epsilon(epsilon).steps(steps).build();
  }

  /** @return a builder holding these settings */
  public Builder toBuilder() {
    Builder b = new Builder(method);
    b.name = name;
    b.norm = norm;
    b.epsilon = epsilon;
    b.steps = steps;
    b.stepSize = stepSize;
    b.randomStart = randomStart;
    b.restarts = restarts;
    b.rho = rho;
    b.momentum = momentum;
    b.targets = targets;
    b.confidence = confidence;
    b.binarySearchSteps = binarySearchSteps;
    b.learningRate = learningRate;
    b.initialConst = initialConst;
    b.queries = queries;
    b.pInit = pInit;
    b.straightThrough = straightThrough;
    b.source = source;
    b.seed = seed;
    b.allPositions = allPositions;
    return b;
  }

  public AttackParams withEpsilon(double e) {
    // a sweep keeps the step size in proportion to the bound; from a zero bound there is no
    // proportion, so the default (2.5 * eps / steps) applies
    Builder b = toBuilder().epsilon(e);
    return (epsilon > 0 ? b.stepSize(stepSize * e / epsilon) : b.defaultStepSize()).build();
  }

  /** @return the norm ball this attack stays in: its worst case is taken with attacks of the same one */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public ThreatModel threatModel() {
    return new ThreatModel(norm, epsilon);
  }

  public AttackParams withName(String n) {
    return toBuilder().name(n).build();
  }

  public AttackParams withStraightThrough(boolean on) {
    return toBuilder().straightThrough(on).build();
  }

  /**
   * Builds {@link AttackParams}; unset settings take the method's reference defaults, and
   * settings that do not apply to the method are reset so they never reach a cache key.
   */
  public static final class Builder {
    private final AttackMethod method;
    private String name;
    private Norm norm = Norm.LINF;
    /** Null until set: the bound has no default. */
    private Double epsilon;
    private int steps;
    /** Null: 2.5 * eps / steps (Madry et al.), resolved in {@link #build}. */
    private Double stepSize;
    private boolean randomStart = true;
    private int restarts = 1;
    private double rho = 0.75;
    private double momentum = 0.75;
    private int targets = 9;
    private double confidence = 0;
    private int binarySearchSteps = 9;
    private double learningRate = 0.01;
    private double initialConst = 1e-3;
    private int queries = 5000;
    private double pInit = 0.8;
    private boolean allPositions;
    private boolean straightThrough;
    private AttackSource source = AttackSource.SELF;
    private long seed;

    private Builder(AttackMethod method) {
      this.method = method;
      this.name = method.key();
      this.norm = method == AttackMethod.CW_L2 ? Norm.L2 : Norm.LINF;
      this.steps = switch (method) {
        case FGSM -> 1;
        case PGD -> 10;
        case APGD_CE, APGD_DLR, APGD_T -> 100;
        // cleverhans' default: at 100 steps tanh saturates on 0/1 pixels and CW-L2 is far too weak on MNIST
        case CW_L2 -> 1000;
        case SQUARE -> 1;
      };
    }

    public Builder name(String v) { name = v; return this; }
    public Builder norm(Norm v) { norm = v; return this; }
    public Builder epsilon(double v) { epsilon = finite("epsilon", v); return this; }
    public Builder steps(int v) { steps = v; return this; }
    /** An explicit step; {@link #defaultStepSize} goes back to 2.5 * eps / steps (Madry et al.). */
    public Builder stepSize(double v) { stepSize = finite("step-size", v); return this; }
    /** Unsets the step: {@link #build} uses 2.5 * eps / steps (Madry et al.). */
    public Builder defaultStepSize() { stepSize = null; return this; }
    public Builder randomStart(boolean v) { randomStart = v; return this; }
    public Builder restarts(int v) { restarts = v; return this; }
    public Builder rho(double v) { rho = v; return this; }
    public Builder momentum(double v) { momentum = v; return this; }
    public Builder targets(int v) { targets = v; return this; }
    public Builder confidence(double v) { confidence = v; return this; }
    public Builder binarySearchSteps(int v) { binarySearchSteps = v; return this; }
    public Builder learningRate(double v) { learningRate = v; return this; }
    public Builder initialConst(double v) { initialConst = v; return this; }
    public Builder queries(int v) { queries = v; return this; }
    public Builder pInit(double v) { pInit = v; return this; }
    public Builder straightThrough(boolean v) { straightThrough = v; return this; }
    public Builder source(AttackSource v) { source = v; return this; }
    public Builder seed(long v) { seed = v; return this; }
    public Builder allPositions(boolean v) { allPositions = v; return this; }

    /**
     * NaN once meant "unset" here, so a NaN from anywhere silently became the default; unset is
     * null now, and NaN or an infinity is refused where it is set.
     */
    private static double finite(String key, double v) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException(key + " must be a finite number, but was: " + v);
      }
      return v;
    }

    /**
     * @throws IllegalArgumentException if epsilon is missing or any setting is out of range
     */
    public AttackParams build() {
      if (epsilon == null) {
        throw new IllegalArgumentException("epsilon must be set (the " + norm.key() + " bound)");
      }
      List<String> keys = applicableKeys(method);
      boolean iterative = keys.contains("steps");
      return new AttackParams(name, method, norm, epsilon,
          iterative ? steps : 1,
          keys.contains("step-size") ? (stepSize == null ? 2.5 * epsilon / steps : stepSize) : 0,
          keys.contains("random-start") && randomStart,
          keys.contains("restarts") ? restarts : 1,
          keys.contains("rho") ? rho : 0,
          keys.contains("momentum") ? momentum : 0,
          keys.contains("targets") ? targets : 0,
          keys.contains("confidence") ? confidence : 0,
          keys.contains("binary-search-steps") ? binarySearchSteps : 0,
          keys.contains("learning-rate") ? learningRate : 0,
          keys.contains("initial-const") ? initialConst : 0,
          keys.contains("queries") ? queries : 0,
          keys.contains("p-init") ? pInit : 0,
          straightThrough, source, seed,
          keys.contains("all-positions") && allPositions);
    }
  }
}
