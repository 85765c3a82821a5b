package dev.drelu.bench;

import java.nio.file.Path;

/**
 * What the side-by-side benchmark runs.
 *
 * @param runs times each side runs, alternated
 * @param threads PyTorch intra-op threads, the same on both sides
 * @param steps training steps per epoch (three epochs; the first two warm up and are not timed)
 * @param batchSize training batch
 * @param attackImages images per timed attack
 * @param attackBatch images per attack batch, both sides
 * @param checkImages images of the untimed per-example agreement check
 * @param attacks the timed attacks ({@link BenchAttack#timed()}; a test passes cheaper ones)
 * @param pipeline also time the quickstart (drelu only, minutes)
 * @param projectRoot the checkout (bench/reference, pipelines/, the MNIST digits under .drelu/deps)
 * @param home drelu's home (.drelu): the venv and results go under home/bench
 */
public record BenchSettings(int runs, int threads, int steps, int batchSize, int attackImages, int attackBatch,
    int checkImages, java.util.List<BenchAttack> attacks, boolean pipeline, Path projectRoot, Path home) {
  public BenchSettings {
    attacks = java.util.List.copyOf(attacks);
  }

  /**
   * Training epochs per run, the last one timed on both sides. Two to warm up: a fresh JVM's
   * just-in-time compiler is still at work in its second epoch of 200 small steps (a dense model
   * trained at 296 and 326 steps/s in a JVM's first two runs, then 480-540 steps/s).
   */
  static final int EPOCHS = 3;

  public Path benchHome() {
    return home.resolve("bench");
  }
}
