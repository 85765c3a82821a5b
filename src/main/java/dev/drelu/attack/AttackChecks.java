package dev.drelu.attack;

import dev.drelu.core.Checks;
import java.util.Objects;
import java.util.Set;

/** The checks every attack record makes; each names the YAML key it is about ({@link Checks.Invalid}). */
final class AttackChecks {
  private AttackChecks() {}

  /**
   * @param norms the norms {@code method} supports
   * @throws Checks.Invalid if the name is not a valid label or the norm is not supported
   */
  static void common(String name, AttackMethod method, ThreatModel threat, Set<Norm> norms) {
    Checks.notBlank("name", name);
    if (!name.matches(AttackParams.NAME_PATTERN)) {
      throw Checks.invalid("name", "must be lower-case letters, digits, '-', '_' or '.', but was: " + name);
    }
    Objects.requireNonNull(threat, "threatModel");
    if (!norms.contains(threat.norm())) {
      throw Checks.invalid("norm", "must be one of " + norms.stream().map(Norm::key).toList()
          + " for " + method.key() + ", but was: " + threat.norm().key());
    }
  }


  /**
   * @throws NullPointerException if there is no surrogate
   * @throws Checks.Invalid unless {@code straightThrough} is true exactly when the surrogate is
   *     straight-through (the flag is the surrogate's shorthand)
   */
  static void surrogateMatches(boolean straightThrough, SurrogateSchedule surrogate) {
    Objects.requireNonNull(surrogate, "surrogate");
    if (straightThrough != surrogate.straightThrough()) {
      throw Checks.invalid("surrogate", "is " + surrogate.kind().key() + " but straight-through is " + straightThrough
          + "; write only one of them");
    }
  }
}
