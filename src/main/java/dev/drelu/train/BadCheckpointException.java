package dev.drelu.train;

import java.io.IOException;

/**
 * A checkpoint that must not be trusted (incomplete, truncated, altered, or a pointer that
 * does not check out). It is skipped with a warning, never loaded.
 */
final class BadCheckpointException extends IOException {
  private static final long serialVersionUID = 1L;

  BadCheckpointException(String message) {
    super(message);
  }
}
