package dev.drelu.core;

/**
 * Argument checks for record constructors and builders. Every message follows
 * "{@code <field> must <constraint>, but was: <value>}" so a user can see what to change.
 */
public final class Checks {
  private Checks() {}

  /** @throws IllegalArgumentException unless {@code lo <= value <= hi} */
  public static double inRange(String field, double value, double lo, double hi) {
    if (!(value >= lo && value <= hi)) {
      throw new IllegalArgumentException(
          field + " must be in [" + lo + ", " + hi + "], but was: " + value);
    }
    return value;
  }

  /** @throws IllegalArgumentException unless {@code value >= min} */
  public static int atLeast(String field, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(field + " must be at least " + min + ", but was: " + value);
    }
    return value;
  }

  /** @throws IllegalArgumentException unless {@code value > 0} and finite */
  public static double positive(String field, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(field + " must be a positive number, but was: " + value);
    }
    return value;
  }

  /** @throws IllegalArgumentException unless {@code value >= 0} and finite */
  public static double nonNegative(String field, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(field + " must be a non-negative number, but was: " + value);
    }
    return value;
  }

  /** @throws IllegalArgumentException if {@code value} is null or blank */
  public static String notBlank(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be empty, but was: " + value);
    }
    return value;
  }
}
