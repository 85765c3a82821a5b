package dev.drelu.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A dataset file that is not in the format its reader expects: wrong magic number, truncated,
 * wrong shape, labels out of range. The message names the file, what was expected and what was found.
 */
public final class DatasetFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * @param file the offending file
   * @param problem "expected X, got Y" and, where it helps, a hint
   */
  public DatasetFormatException(Path file, String problem) {
    super(file + ": " + problem);
  }

  /** Same, keeping the low-level cause (e.g. a ZipException from a broken gzip stream). */
  public DatasetFormatException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
  }
}
