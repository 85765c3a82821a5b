package dev.drelu.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The code version recorded with every artifact and MLflow run: the launcher passes the git
 * commit as {@code -Ddrelu.code.version}; without it, git is asked once; else "unknown".
 */
public final class CodeVersion {
  private static volatile String cached;

  private CodeVersion() {}

  /** @return e.g. "3f2c1ab" or "3f2c1ab-dirty" */
  public static String get() {
    String v = cached;
    if (v == null) {
      v = System.getProperty("drelu.code.version");
      if (v == null || v.isBlank()) {
        v = fromGit();
      }
      cached = v;
    }
    return v;
  }

  private static String fromGit() {
    try {
      Process p = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0 && !out.isEmpty()) {
        return out;
      }
    } catch (IOException e) {
      return "unknown";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return "unknown";
  }
}
