package dev.drelu.pipeline;

import dev.drelu.core.Keyed;

/**
 * The stages in pipeline order. The version is part of every cache key: bump it when a
 * stage's output would change for the same inputs (a fixed bug, a new file format).
 */
public enum Stage implements Keyed {
  PREPARE("prepare", 1),
  TRAIN("train", 2),
  ATTACK("attack", 1),
  DIAGNOSE("diagnose", 1),
  SUMMARISE("summarise", 1);

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
