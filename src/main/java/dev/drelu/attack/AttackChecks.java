package dev.drelu.attack;

import dev.drelu.core.Checks;
import java.util.Objects;
import java.util.Set;

/** The checks every attack record makes; each message starts with the YAML key it is about. */
final class AttackChecks {
  private AttackChecks() {}

  /**
   * @param norms the norms {@code method} supports
   * @throws IllegalArgumentException if the name is not a valid label or the norm is not supported
   */
  static void common(String name, AttackMethod method, ThreatModel threat, Set<Norm> norms) {
    Checks.notBlank("name", name);
    if (!name.matches(AttackParams.NAME_PATTERN)) {
      throw new IllegalArgumentException("name must be lower-case letters, digits, '-', '_' or '.', but was: " + name);
    }
    Objects.requireNonNull(threat, "threatModel");
    if (!norms.contains(threat.norm())) {
      throw new IllegalArgumentException("norm must be one of " + norms.stream().map(Norm::key).toList()
          + " for " + method.key() + ", but was: " + threat.norm().key());
    }
  }

}
