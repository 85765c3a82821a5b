package dev.drelu.pipeline;

import java.util.Arrays;
import java.util.Locale;

/**
 * The stages in pipeline order. The version is part of every cache key: bump it when a
 * stage's output would change for the same inputs (a fixed bug, a new file format).
 */
public enum Stage {
  PREPARE("prepare", 1),
  TRAIN("train", 2),
  ATTACK("attack", 1),
  SUMMARISE("summarise", 1);

  private final String key;
  private final int version;

  Stage(String key, int version) {
    this.key = key;
    this.version = version;
  }

  /** @return the name on the command line, in the store and in MLflow */
  public String key() {
    return key;
  }

  public int version() {
    return version;
  }

  /** @throws IllegalArgumentException naming the stages */
  public static Stage parse(String name) {
    for (Stage s : values()) {
      if (s.key.equals(name.toLowerCase(Locale.ROOT))) {
        return s;
      }
    }
    throw new IllegalArgumentException("stage must be one of "
        + Arrays.stream(values()).map(Stage::key).toList() + ", but was: " + name);
  }
}
