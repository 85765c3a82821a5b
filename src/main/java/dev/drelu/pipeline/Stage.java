package dev.drelu.pipeline;

import dev.drelu.core.Keyed;

/**
 * The stages in pipeline order. The version is part of every cache key: bump it when a
 * stage's output would change for the same inputs (a fixed bug, a new file format).
 *
 * <p>Last bumps: prepare 2 takes class-stratified limits instead of the first rows; train 3, attack 2
 * and diagnose 2 no longer read constants out of freed memory (Scalars); attack 2 and diagnose 2
 * evaluate a stratified sample; summarise 2 has one worst case per threat model.
 *
 * <p>Not bumped by the typed stage outputs (issue #11): each output record writes the files and
 * manifest summary its stage wrote before, under the same keys, so existing artifacts are reused.
 */
public enum Stage implements Keyed {
  PREPARE("prepare", 2),
  TRAIN("train", 3),
  ATTACK("attack", 2),
  DIAGNOSE("diagnose", 2),
  SUMMARISE("summarise", 2);

  private final String key;
  private final int version;

  Stage(String key, int version) {
    this.key = key;
    this.version = version;
  }

  /** @return the name on the command line, in the store and in MLflow */
  @Override
  public String key() {
    return key;
  }

  public int version() {
    return version;
  }

  /** @throws IllegalArgumentException naming the stages */
  public static Stage parse(String name) {
    return Keyed.parse(Stage.class, "stage", name);
  }
}
