package dev.drelu.core;

/**
 * Argument checks for record constructors and builders. Every message follows
 * "{@code <key> must <constraint>, but was: <value>}" so a user can see what to change, and every
 * check throws {@link Invalid}, which carries the key apart from the rest of the message: the spec
 * loader reports the problem at that key's line without reading the key back out of the text.
 */
public final class Checks {
  private Checks() {}

  /**
   * A bad setting: an IllegalArgumentException whose message is "{@code <key> <problem>}".
   * Code that only needs the text keeps catching IllegalArgumentException.
   */
  public static final class Invalid extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String key;
    private final String problem;

    private Invalid(String key, String problem) {
      super(key + " " + problem);
      this.key = key;
      this.problem = problem;
    }

    /** @return the setting's name as a spec writes it, e.g. "batch-size" */
    public String key() {
      return key;
    }

    /** @return the message without the key, e.g. "must be at least 1, but was: 0" */
    public String problem() {
      return problem;
    }
  }

  /**
   * For the checks the methods below do not cover: {@code throw Checks.invalid("dropout", "must be in [0, 1), ...")}.
   *
   * @param key the setting's name as a spec writes it
   * @param problem what is wrong, starting with a verb ("must ...", "applies only to ...")
   * @return the exception to throw
   */
  public static Invalid invalid(String key, String problem) {
    return new Invalid(key, problem);
  }

  /** @throws Invalid unless {@code lo <= value <= hi} */
  public static double inRange(String key, double value, double lo, double hi) {
    if (!(value >= lo && value <= hi)) {
      throw invalid(key, "must be in [" + lo + ", " + hi + "], but was: " + value);
    }
    return value;
  }

  /** @throws Invalid unless {@code value >= min} */
  public static int atLeast(String key, int value, int min) {
    if (value < min) {
      throw invalid(key, "must be at least " + min + ", but was: " + value);
    }
    return value;
  }

  /** @throws Invalid unless {@code value > 0} and finite */
  public static double positive(String key, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw invalid(key, "must be a positive number, but was: " + value);
    }
    return value;
  }

  /** @throws Invalid unless {@code value >= 0} and finite */
  public static double nonNegative(String key, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw invalid(key, "must be a non-negative number, but was: " + value);
    }
    return value;
  }

  /** @throws Invalid if {@code value} is null or blank */
  public static String notBlank(String key, String value) {
    if (value == null || value.isBlank()) {
      throw invalid(key, "must not be empty, but was: " + value);
    }
    return value;
  }
}
