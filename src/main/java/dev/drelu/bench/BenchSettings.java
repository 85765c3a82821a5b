package dev.drelu.bench;

import java.nio.file.Path;

/**
 * What the side-by-side benchmark runs.
 *
 * @param runs times each side runs, alternated (training: at least this often, see {@code trainingSeconds})
 * @param threads PyTorch intra-op threads, the same on both sides
 * @param steps training steps per epoch (three epochs per run; the last two are timed)
 * @param batchSize training batch
 * @param attackImages images per timed attack
 * @param attackBatch images per attack batch, both sides
 * @param attackSeconds each timed attack repeats whole passes over its images until this long has
 *     passed, on both sides ({@link #ATTACK_SECONDS} by default)
 * @param checkImages images of the untimed per-example agreement check
 * @param attacks the timed attacks ({@link BenchAttack#timed()}; a test passes cheaper ones)
 * @param warmUpSeconds drelu's side trains untimed runs of each model for at least this long before
 *     its timed runs, so that the timed ones meet compiled code ({@link #WARM_UP_SECONDS} by default)
 * @param trainingSeconds each model's timed training runs go on past {@code runs} until both sides
 *     together have trained it for this long ({@link #TRAINING_SECONDS} by default)
 * @param pipeline also time the quickstart (drelu only, minutes)
 * @param projectRoot the checkout (bench/reference, pipelines/, the MNIST digits under .drelu/deps)
 * @param home drelu's home (.drelu): the venv and results go under home/bench
 */
public record BenchSettings(int runs, int threads, int steps, int batchSize, int attackImages, int attackBatch, int attackSeconds,
    int checkImages, java.util.List<BenchAttack> attacks, int warmUpSeconds, int trainingSeconds, boolean pipeline, Path projectRoot, Path home) {
  public BenchSettings {
    attacks = java.util.List.copyOf(attacks);
  }

  /**
   * Least seconds a timed attack runs, on both sides. PGD-20 on the Dense network attacks 1,000
   * images in a third of a second, and drelu's side of that row ran at 1,759-4,294 img/s over
   * three runs (the reference at 2,390-3,208): a window that short measures the host. Three
   * seconds makes it about ten passes; every other timed attack takes longer than that already.
   */
  public static final int ATTACK_SECONDS = 3;

  /** Training epochs per run, on both sides. */
  static final int EPOCHS = 3;

  /**
   * The last epochs of a run, timed as one window on both sides. The first epoch of a run meets
   * fresh memory and caches (the reference's is a new process); two epochs rather than one
   * because a 200-step epoch of the Dense network lasts half a second, and a hiccup of the host
   * in half a second moved that row by a third.
   */
  static final int TIMED_EPOCHS = 2;

  /**
   * Seconds of untimed drelu training per model before its timed runs. A fresh JVM runs drelu's
   * per-step Java code interpreted, then profiled, and compiles it fully only after a few thousand
   * steps, on the same two cores as libtorch: the Dense network's 200-step epochs ran at 150-260
   * steps/s in the first five epochs of a JVM, and settled at 400-600 only after 10-17 epochs
   * (2,000-3,400 steps, 7-10 s; three fresh JVMs with the launcher's options). Twenty seconds
   * covers that with room; the convolutional networks share the same Java code and have it
   * compiled by then. The reference has no compiler to warm: its epochs ran at 420-470 steps/s
   * from the first.
   */
  public static final int WARM_UP_SECONDS = 20;

  /**
   * Seconds of timed training runs per model, both sides together, before its training row is
   * done (the runs go on past {@code runs} until then). A Dense run takes ~1.5 s on drelu's side and
   * ~6 s on the reference's (a new Python process), and this machine has slow phases of ten seconds
   * or so in which either side trains at 0.5-0.8x its usual rate: with three runs the median of
   * a side landed in one a third of the time (pairs of runs ranged 0.62x-1.75x). A minute gives the
   * Dense row about nine alternated runs; the Shallow CNN's and the tiny ResNet's runs take that long
   * already, so they keep {@code runs}.
   */
  public static final int TRAINING_SECONDS = 60;

  public Path benchHome() {
    return home.resolve("bench");
  }
}
