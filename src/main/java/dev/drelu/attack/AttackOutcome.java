package dev.drelu.attack;

import dev.drelu.data.ColumnTable;
import java.io.Serializable;

/**
 * Per-example results of one attack on one model over a test set.
 *
 * @param queries model evaluations spent on each example (forward passes for Square, gradient
 *     evaluations for gradient attacks)
 * @param zeroGradient 1 where the cross-entropy's input gradient at the clean input is exactly
 *     zero everywhere: a gradient attack cannot move from there (a sign of gradient masking)
 */
public record AttackOutcome(
    String attack,
    int[] index,
    int[] label,
    int[] cleanPrediction,
    int[] adversarialPrediction,
    double[] linf,
    double[] l2,
    int[] zeroGradient,
    int[] queries,
    double seconds)
    implements Serializable {

  /**
   * Joins the shards of one attack on one model, in the order given.
   *
   * @throws IllegalArgumentException if the parts come from different attacks
   */
  public static AttackOutcome concat(java.util.List<AttackOutcome> parts) {
    if (parts.size() == 1) {
      return parts.get(0);
    }
    String attack = parts.get(0).attack();
    int n = 0;
    double seconds = 0;
    for (AttackOutcome p : parts) {
      if (!p.attack().equals(attack)) {
        throw new IllegalArgumentException("cannot join shards of " + attack + " and " + p.attack());
      }
      n += p.size();
      seconds += p.seconds();
    }
    int[] index = new int[n];
    int[] label = new int[n];
    int[] clean = new int[n];
    int[] adv = new int[n];
    double[] linf = new double[n];
    double[] l2 = new double[n];
    int[] zero = new int[n];
    int[] queries = new int[n];
    int at = 0;
    for (AttackOutcome p : parts) {
      int k = p.size();
      System.arraycopy(p.index(), 0, index, at, k);
      System.arraycopy(p.label(), 0, label, at, k);
      System.arraycopy(p.cleanPrediction(), 0, clean, at, k);
      System.arraycopy(p.adversarialPrediction(), 0, adv, at, k);
      System.arraycopy(p.linf(), 0, linf, at, k);
      System.arraycopy(p.l2(), 0, l2, at, k);
      System.arraycopy(p.zeroGradient(), 0, zero, at, k);
      System.arraycopy(p.queries(), 0, queries, at, k);
      at += k;
    }
    return new AttackOutcome(attack, index, label, clean, adv, linf, l2, zero, queries, seconds);
  }

  /**
   * @return the same results under another attack's name (on a model without caps, straight-through
   *     and transferred-from-itself PGD are plain PGD: one computation serves each name)
   */
  public AttackOutcome named(String name) {
    return name.equals(attack) ? this
        : new AttackOutcome(name, index, label, cleanPrediction, adversarialPrediction, linf, l2, zeroGradient, queries,
            seconds);
  }

  /** @return the number of examples */
  public int size() {
    return index.length;
  }

  /** @return the summary numbers */
  public AttackSummary summary() {
    int n = size();
    int clean = 0;
    int robust = 0;
    int zero = 0;
    double maxLinf = 0;
    double sumL2 = 0;
    long sumQueries = 0;
    int maxQueries = 0;
    for (int i = 0; i < n; i++) {
      boolean c = cleanPrediction[i] == label[i];
      clean += c ? 1 : 0;
      robust += c && adversarialPrediction[i] == label[i] ? 1 : 0;
      zero += zeroGradient[i];
      maxLinf = Math.max(maxLinf, linf[i]);
      sumL2 += l2[i];
      sumQueries += queries[i];
      maxQueries = Math.max(maxQueries, queries[i]);
    }
    return new AttackSummary(attack, n, (double) clean / n, (double) robust / n,
        (double) zero / n, maxLinf, sumL2 / n, (double) sumQueries / n, maxQueries, seconds,
        n / Math.max(seconds, 1e-9));
  }

  /** @return the Arrow-ready table (one row per example) */
  public ColumnTable toTable() {
    return ColumnTable.builder()
        .addInts("index", index)
        .addInts("label", label)
        .addInts("clean_prediction", cleanPrediction)
        .addInts("adversarial_prediction", adversarialPrediction)
        .addDoubles("linf", linf)
        .addDoubles("l2", l2)
        .addInts("zero_gradient", zeroGradient)
        .addInts("queries", queries)
        .metadata("drelu.attack", attack)
        .metadata("drelu.seconds", Double.toString(seconds))
        .build();
  }

  /** Reads back what {@link #toTable()} wrote. */
  public static AttackOutcome fromTable(ColumnTable t) {
    return new AttackOutcome(t.metadata().get("drelu.attack"), t.ints("index"), t.ints("label"),
        t.ints("clean_prediction"), t.ints("adversarial_prediction"), t.doubles("linf"),
        t.doubles("l2"), t.ints("zero_gradient"), t.ints("queries"), Double.parseDouble(t.metadata().get("drelu.seconds")));
  }
}
