package dev.drelu.store;

import java.io.IOException;

/** A stored artifact whose files do not match its manifest (edited, truncated, or lost). */
public final class CorruptArtifactException extends IOException {
  private static final long serialVersionUID = 1L;

  public CorruptArtifactException(String message) {
    super(message);
  }
}
