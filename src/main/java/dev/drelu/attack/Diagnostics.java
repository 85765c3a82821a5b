package dev.drelu.attack;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * The standard sanity checks for gradient masking (Athalye et al. 2018; Carlini et al. 2019;
 * METHOD.md section 10), computed from one model's attack results. A model that fails any of them
 * is flagged "possible gradient masking", with the evidence.
 */
public final class Diagnostics {
  /** Accuracy differences below this (absolute) are noise, not evidence. */
  static final double TOLERANCE = 0.005;
  /**
   * A gap this large between an adaptive (or transfer) attack and the plain one is evidence; so is
   * this share of examples broken only by the adaptive attacks (stronger-attack-family).
   */
  static final double ADAPTIVE_GAP = 0.02;
  /** More than this share of test inputs with an exactly zero input gradient is evidence. */
  static final double ZERO_GRADIENT_SHARE = 0.01;
  /** More than this share of examples broken only by the black-box attack is evidence. */
  static final double BLACK_BOX_ONLY_SHARE = 0.005;
  /** At Linf 0.5 accuracy must be at most chance plus this. */
  static final double CHANCE_MARGIN = 0.05;

  private Diagnostics() {}

  /** What a run was for: an attack of the spec, a point of the eps sweep, or a doubled-budget rerun. */
  public enum Role {
    MAIN,
    SWEEP,
    DOUBLED
  }

  /** One attack's result on the model, with what it was run for. */
  public record Run(AttackParams params, Role role, AttackOutcome outcome) implements Serializable {}

  /**
   * One check.
   *
   * @param passed null when the check could not be made (the attacks it needs did not run)
   * @param value the number the check looked at
   * @param detail what was compared, in words
   */
  public record Check(String name, Boolean passed, double value, String detail) implements Serializable {}

  /** One point of the eps sweep: accuracy of the swept attack (or its straight-through twin) at a bound. */
  public record SweepPoint(String attack, boolean straightThrough, double epsilon, double accuracy)
      implements Serializable {}

  /** All checks of one model, the verdict, and the eps sweep's points (for the report). */
  public record Report(List<Check> checks, boolean maskingSuspected, String evidence, List<SweepPoint> sweep)
      implements Serializable {
    public Report {
      checks = List.copyOf(checks);
      sweep = sweep == null ? List.of() : List.copyOf(sweep);
    }

    /** @return "possible gradient masking" or "no sign of gradient masking" */
    public String flag() {
      return maskingSuspected ? "possible gradient masking" : "no sign of gradient masking";
    }
  }

  /**
   * @param runs every attack result of one model
   * @param numClasses for the chance level
   * @param probabilityLikeShare share of test inputs whose logits look like probabilities
   *     (all in [0, 1] and summing to 1), or NaN if not measured
   */
  public static Report of(List<Run> runs, int numClasses, double probabilityLikeShare) {
    List<Check> checks = new ArrayList<>();
    List<Run> main = runs.stream().filter(r -> r.role() == Role.MAIN).toList();
    checks.add(iterativeBeatsOneStep(main));
    checks.add(whiteBoxBeatsBlackBox(main));
    checks.add(zeroGradients(runs));
    checks.add(adaptiveGap(main, "straight-through",
        r -> r.params().straightThrough(), r -> r.params().surrogate().exact() && r.params().source() == AttackSource.SELF));
    checks.add(adaptiveGap(main, "transfer",
        r -> r.params().source() == AttackSource.RELU_TWIN, r -> r.params().source() == AttackSource.SELF
            && r.params().surrogate().exact()));
    checks.add(strongerAttackFamily(main));
    checks.add(moreBudget(runs));
    checks.addAll(sweep(runs, numClasses));
    checks.add(new Check("logits-look-like-probabilities",
        Double.isNaN(probabilityLikeShare) ? null : probabilityLikeShare <= 0.5, probabilityLikeShare,
        "share of test inputs whose logits are all in [0, 1] and sum to 1 (a softmax inside the model hides gradients)"));
    List<String> failed = checks.stream().filter(c -> Boolean.FALSE.equals(c.passed()))
        .map(c -> c.name() + ": " + c.detail()).toList();
    List<SweepPoint> sweep = runs.stream().filter(r -> r.role() == Role.SWEEP)
        .map(r -> new SweepPoint(r.params().name(), r.params().straightThrough(), r.params().epsilon(), accuracy(r)))
        .toList();
    return new Report(checks, !failed.isEmpty(), String.join("; ", failed), sweep);
  }

  /** Differences of up to two examples are noise on any test set size. */
  static double noise(Run r) {
    return 2.0 / Math.max(1, r.outcome().size());
  }

  private static double accuracy(Run r) {
    return r.outcome().summary().robustAccuracy();
  }

  private static boolean sameThreat(AttackParams a, AttackParams b) {
    return a.norm() == b.norm() && Math.abs(a.epsilon() - b.epsilon()) < 1e-12;
  }

  /** Iterative attacks on FGSM's own loss (cross-entropy): the fair comparison with the one step. */
  private static boolean isIterativeGradient(AttackParams p) {
    boolean crossEntropy = !(p instanceof PgdParams pgd) || pgd.loss() == PgdLoss.CE;
    return (p.method() == AttackMethod.PGD || p.method() == AttackMethod.APGD_CE) && crossEntropy
        && p.norm() == Norm.LINF;
  }

  /** A white-box gradient attack on the model itself, following the exact gradient. */
  private static boolean plainWhiteBox(AttackParams p) {
    return p.method().usesGradients() && p.source() == AttackSource.SELF && p.surrogate().exact();
  }

  /** Crafted on the model itself through a surrogate of the caps (straight-through or soft cap). */
  private static boolean adaptiveWhiteBox(AttackParams p) {
    return p.method().usesGradients() && p.source() == AttackSource.SELF && !p.surrogate().exact();
  }

  /**
   * The adaptive attacks as a family against the plain ones: at each threat model, the examples
   * that some adaptive attack (straight-through or soft cap) breaks although every plain attack
   * (exact gradients, Square, transfer) at the same bound failed on them. If the per-example worst
   * case of the plain attacks overstates the worst case of all attacks by more than
   * {@link #ADAPTIVE_GAP} (or the noise floor), the plain attacks were blind where the adaptive
   * ones were not: the exact gradient is masked. Unlike the straight-through check this compares
   * families, not one method with its own twin, so a soft-cap APGD with restarts counts against
   * plain PGD, APGD and Square together.
   */
  static Check strongerAttackFamily(List<Run> main) {
    String worst = null;
    double share = Double.NEGATIVE_INFINITY;
    Run first = null;
    for (Run a : main) {
      if (!adaptiveWhiteBox(a.params())) {
        continue;
      }
      List<Run> plain = main.stream().filter(r -> !adaptiveWhiteBox(r.params()) && sameThreat(r.params(), a.params())).toList();
      List<Run> adaptive = main.stream().filter(r -> adaptiveWhiteBox(r.params()) && sameThreat(r.params(), a.params())).toList();
      if (plain.isEmpty()) {
        continue;
      }
      AttackOutcome base = plain.get(0).outcome();
      int robustPlain = 0;
      int onlyAdaptive = 0;
      for (int i = 0; i < base.size(); i++) {
        int example = base.index()[i];
        boolean plainRobust = robustToAll(plain, example);
        robustPlain += plainRobust ? 1 : 0;
        onlyAdaptive += plainRobust && !robustToAll(adaptive, example) ? 1 : 0;
      }
      double s = (double) onlyAdaptive / base.size();
      if (s > share) {
        share = s;
        first = plain.get(0);
        worst = String.format(Locale.ROOT, "at %s %s worst case of the plain attacks (%s) %.2f%%, with the adaptive ones (%s) %.2f%%: "
            + "%d of %d examples are broken only by an adaptive attack", a.params().norm().key(), a.params().epsilon(),
            names(plain), 100.0 * robustPlain / base.size(), names(adaptive),
            100.0 * (robustPlain - onlyAdaptive) / base.size(), onlyAdaptive, base.size());
      }
    }
    return worst == null
        ? new Check("stronger-attack-family", null, Double.NaN,
            "needs an adaptive attack (straight-through or soft-cap surrogate) and a plain one at the same bound")
        : new Check("stronger-attack-family", share <= Math.max(ADAPTIVE_GAP, noise(first)), share, worst);
  }

  /**
   * @return true if every run classified the example correctly, clean and attacked (a run that
   *     lacks the example does not count)
   */
  private static boolean robustToAll(List<Run> runs, int example) {
    for (Run r : runs) {
      int j = positionOf(r.outcome(), example);
      AttackOutcome o = r.outcome();
      if (j >= 0 && (o.adversarialPrediction()[j] != o.label()[j] || o.cleanPrediction()[j] != o.label()[j])) {
        return false;
      }
    }
    return true;
  }

  private static String names(List<Run> runs) {
    return String.join(", ", runs.stream().map(r -> r.params().name()).toList());
  }

  static Check iterativeBeatsOneStep(List<Run> main) {
    String worst = null;
    double gap = Double.NEGATIVE_INFINITY;
    for (Run one : main) {
      if (one.params().method() != AttackMethod.FGSM || !plainWhiteBox(one.params())) {
        continue;
      }
      for (Run it : main) {
        if (isIterativeGradient(it.params()) && plainWhiteBox(it.params()) && sameThreat(one.params(), it.params())) {
          double g = accuracy(it) - accuracy(one);
          if (g > gap) {
            gap = g;
            worst = String.format(Locale.ROOT, "%s %.2f%% vs %s %.2f%% at %s %s", it.params().name(), 100 * accuracy(it),
                one.params().name(), 100 * accuracy(one), one.params().norm().key(), one.params().epsilon());
          }
        }
      }
    }
    return worst == null
        ? new Check("iterative-beats-one-step", null, Double.NaN, "needs FGSM and an iterative attack at the same bound")
        : new Check("iterative-beats-one-step", gap <= Math.max(TOLERANCE, noise(main.get(0))), gap,
            "iterative minus one-step accuracy: " + worst);
  }

  static Check whiteBoxBeatsBlackBox(List<Run> main) {
    for (Run square : main) {
      if (square.params().method() != AttackMethod.SQUARE) {
        continue;
      }
      List<Run> white = main.stream().filter(r -> plainWhiteBox(r.params()) && sameThreat(r.params(), square.params())).toList();
      if (white.isEmpty()) {
        continue;
      }
      AttackOutcome s = square.outcome();
      int onlyBlackBox = 0;
      for (int i = 0; i < s.size(); i++) {
        boolean squareBreaks = s.cleanPrediction()[i] == s.label()[i] && s.adversarialPrediction()[i] != s.label()[i];
        if (!squareBreaks) {
          continue;
        }
        boolean anyWhiteBreaks = false;
        for (Run w : white) {
          int j = positionOf(w.outcome(), s.index()[i]);
          anyWhiteBreaks |= j >= 0 && w.outcome().adversarialPrediction()[j] != w.outcome().label()[j];
        }
        onlyBlackBox += anyWhiteBreaks ? 0 : 1;
      }
      double share = (double) onlyBlackBox / s.size();
      return new Check("white-box-beats-black-box", share <= Math.max(BLACK_BOX_ONLY_SHARE, noise(square)), share, onlyBlackBox + " of " + s.size()
          + " examples are broken by " + square.params().name() + " but by no white-box attack at the same bound");
    }
    return new Check("white-box-beats-black-box", null, Double.NaN, "needs Square and a white-box attack at the same bound");
  }

  private static int positionOf(AttackOutcome o, int exampleIndex) {
    int[] idx = o.index();
    for (int j = 0; j < idx.length; j++) {
      if (idx[j] == exampleIndex) {
        return j;
      }
    }
    return -1;
  }

  static Check zeroGradients(List<Run> runs) {
    if (runs.isEmpty()) {
      return new Check("zero-input-gradients", null, Double.NaN, "needs an attack run");
    }
    double share = runs.get(0).outcome().summary().zeroGradientFraction();
    return new Check("zero-input-gradients", share <= ZERO_GRADIENT_SHARE, share,
        String.format(Locale.ROOT, "%.2f%% of test inputs have an exactly zero input gradient", 100 * share));
  }

  static Check adaptiveGap(List<Run> main, String name, Predicate<Run> adaptive, Predicate<Run> plain) {
    String worst = null;
    double gap = Double.NEGATIVE_INFINITY;
    for (Run a : main) {
      if (!adaptive.test(a)) {
        continue;
      }
      for (Run p : main) {
        if (plain.test(p) && p.params().method() == a.params().method() && sameThreat(a.params(), p.params())) {
          double g = accuracy(p) - accuracy(a);
          if (g > gap) {
            gap = g;
            worst = String.format(Locale.ROOT, "%s %.2f%% vs %s %.2f%%", a.params().name(), 100 * accuracy(a),
                p.params().name(), 100 * accuracy(p));
          }
        }
      }
    }
    return worst == null
        ? new Check(name, null, Double.NaN, "needs the " + name + " and the plain version of one attack")
        : new Check(name, gap <= Math.max(ADAPTIVE_GAP, noise(main.get(0))), gap,
            "plain minus " + name + " accuracy: " + worst);
  }

  static Check moreBudget(List<Run> runs) {
    String worst = null;
    double drop = Double.NEGATIVE_INFINITY;
    for (Run d : runs) {
      if (d.role() != Role.DOUBLED) {
        continue;
      }
      for (Run m : runs) {
        if (m.role() == Role.MAIN && m.params().method() == d.params().method() && sameThreat(m.params(), d.params())
            && m.params().surrogate().equals(d.params().surrogate()) && m.params().source() == d.params().source()) {
          double g = accuracy(m) - accuracy(d);
          if (g > drop) {
            drop = g;
            worst = String.format(Locale.ROOT, "%s %.2f%% with twice the budget vs %.2f%%", m.params().name(),
                100 * accuracy(d), 100 * accuracy(m));
          }
        }
      }
    }
    return worst == null
        ? new Check("more-budget-changes-nothing", null, Double.NaN, "needs diagnostics.double-budget")
        : new Check("more-budget-changes-nothing", drop <= Math.max(2 * TOLERANCE, noise(runs.get(0))), drop,
            "accuracy lost with twice the steps and restarts: " + worst);
  }

  static List<Check> sweep(List<Run> runs, int numClasses) {
    List<Run> points = new ArrayList<>(runs.stream().filter(r -> r.role() == Role.SWEEP && !r.params().straightThrough()).toList());
    if (points.size() < 2) {
      return List.of(new Check("accuracy-falls-with-eps", null, Double.NaN, "needs a sweep over eps"),
          new Check("chance-at-large-eps", null, Double.NaN, "needs a sweep reaching Linf 0.5"));
    }
    points.sort((a, b) -> Double.compare(a.params().epsilon(), b.params().epsilon()));
    double rise = 0;
    String where = "";
    for (int i = 1; i < points.size(); i++) {
      double g = accuracy(points.get(i)) - accuracy(points.get(i - 1));
      if (g > rise) {
        rise = g;
        where = String.format(Locale.ROOT, " (%.2f%% at eps %s after %.2f%% at eps %s)", 100 * accuracy(points.get(i)),
            points.get(i).params().epsilon(), 100 * accuracy(points.get(i - 1)), points.get(i - 1).params().epsilon());
      }
    }
    Check monotone = new Check("accuracy-falls-with-eps", rise <= Math.max(TOLERANCE, noise(points.get(0))), rise,
        "largest rise of accuracy with eps" + where);
    Run largest = points.get(points.size() - 1);
    double chance = 1.0 / numClasses;
    Check atLarge = largest.params().norm() == Norm.LINF && largest.params().epsilon() >= 0.5
        ? new Check("chance-at-large-eps", accuracy(largest) <= chance + CHANCE_MARGIN, accuracy(largest),
            String.format(Locale.ROOT, "accuracy %.2f%% at Linf %s; chance is %.2f%%", 100 * accuracy(largest),
                largest.params().epsilon(), 100 * chance))
        : new Check("chance-at-large-eps", null, Double.NaN, "the sweep does not reach Linf 0.5");
    return List.of(monotone, atLarge);
  }
}
