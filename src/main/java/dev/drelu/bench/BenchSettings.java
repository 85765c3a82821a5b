package dev.drelu.bench;

import java.nio.file.Path;

/**
 * What the side-by-side benchmark runs.
 *
 * @param runs times each side runs, alternated
 * @param threads PyTorch intra-op threads, the same on both sides
 * @param steps training steps per epoch (two epochs; the first warms up and is not timed)
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

  /** Training epochs per run: one to warm up, one timed. */
  static final int EPOCHS = 2;

  public Path benchHome() {
    return home.resolve("bench");
  }
}
