package dev.drelu.spec;

import java.nio.file.Path;

/**
 * One mistake in a spec or parameter file.
 *
 * @param file the file
 * @param line 1-based line, or 0 when the mistake is about the file itself
 * @param key the dotted path of the offending key, e.g. "models[1].activation"
 * @param message what was wrong and, where it helps, what to do
 */
public record SpecError(Path file, int line, String key, String message) {
  @Override
  public String toString() {
    return file + (line > 0 ? ":" + line : "") + ": " + (key.isEmpty() ? "" : key + ": ") + message;
  }
}
