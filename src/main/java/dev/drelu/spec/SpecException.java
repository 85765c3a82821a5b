package dev.drelu.spec;

import java.util.List;
import java.util.stream.Collectors;

/** A spec that cannot run; holds every mistake found, not just the first. */
public final class SpecException extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient List<SpecError> errors;

  public SpecException(List<SpecError> errors) {
    super(errors.stream().map(SpecError::toString).collect(Collectors.joining("\n")));
    this.errors = List.copyOf(errors);
  }

  /** @return the mistakes in the order they were found */
  public List<SpecError> errors() {
    return errors;
  }
}
