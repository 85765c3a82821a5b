package dev.drelu.core;

import java.nio.file.Path;

/**
 * drelu's working folder: the artifact store, logs, the tracking journal, installed data.
 * {@code -Ddrelu.home}, else {@code DRELU_HOME}, else {@code .drelu} in the working directory.
 */
public final class DreluHome {
  private DreluHome() {}

  /** @return the absolute home folder (not created here) */
  public static Path get() {
    String p = System.getProperty("drelu.home");
    if (p == null || p.isBlank()) {
      p = System.getenv("DRELU_HOME");
    }
    if (p == null || p.isBlank()) {
      p = ".drelu";
    }
    return Path.of(p).toAbsolutePath().normalize();
  }
}
