package dev.drelu.spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Collects mistakes while a spec is read, so the user sees all of them in one go. */
final class SpecErrors {
  private final List<SpecError> errors = new ArrayList<>();

  void add(Path file, int line, String key, String message) {
    errors.add(new SpecError(file, line, key, message));
  }

  boolean isEmpty() {
    return errors.isEmpty();
  }

  int count() {
    return errors.size();
  }

  /** @throws SpecException if anything was collected */
  void throwIfAny() throws SpecException {
    if (!errors.isEmpty()) {
      throw new SpecException(errors);
    }
  }
}
