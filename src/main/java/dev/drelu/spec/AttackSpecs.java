package dev.drelu.spec;

import dev.drelu.attack.AttackBuilder;
import dev.drelu.attack.AttackMethod;
import dev.drelu.attack.AttackParams;
import dev.drelu.attack.Setting;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads one attack mapping of a spec (inline or its own file) into its method's {@link AttackParams}.
 * Which keys a method takes, and what type each holds, come from its builder's
 * {@link AttackBuilder#settings}; nothing here lists them again.
 */
final class AttackSpecs {
  private AttackSpecs() {}

  static AttackParams attack(YamlMap m) {
    int before = m.errors().count();
    AttackMethod method = m.has("method") ? m.parsed("method", null, AttackMethod::parse) : null;
    if (!m.has("method")) {
      m.error("method", "is required: one of " + Arrays.stream(AttackMethod.values()).map(AttackMethod::key).toList());
    }
    if (!m.has("epsilon")) {
      m.error("epsilon", "is required (the bound in [0, 1] pixel units; the paper uses Linf 0.1 on MNIST)");
    }
    rejectKeysOfOtherMethods(m, method);
    // only what the file sets is passed on: the builder holds the reference defaults. Without a
    // method, PGD stands in, so the other settings are still checked in the same pass.
    AttackBuilder<?> b = AttackParams.builder(method == null ? AttackMethod.PGD : method);
    // a bound that cannot be read stands in as 0 (a readable one replaces it), for the same reason
    b.epsilon(0);
    readSettings(m, method, b);
    if (!m.has("epsilon")) {
      return null;
    }
    AttackParams a = RecordChecks.construct(m, b::build);
    if (method == null) {
      return null;
    }
    return m.errors().count() != before ? null : a;
  }

  /** Each method takes its own keys; a key of another method is a mistake, and any other key a typo. */
  private static void rejectKeysOfOtherMethods(YamlMap m, AttackMethod method) {
    Set<String> known = AttackParams.allKeys();
    if (method != null) {
      List<String> allowed = AttackParams.keys(method);
      for (String key : m.keys()) {
        if (known.contains(key) && !allowed.contains(key)) {
          m.error(key, "does not apply to " + method.key() + " (its keys: " + String.join(", ", allowed) + ")");
        }
      }
    }
    m.rejectUnknownKeys(known);
  }

  /**
   * Reads the settings of {@code method} the mapping holds into {@code b}, in the file's order (so
   * its mistakes are reported in that order). Without a method, the keys of every method are
   * read, each into a stand-in builder of a method that takes it, so their mistakes show too.
   */
  private static void readSettings(YamlMap m, AttackMethod method, AttackBuilder<?> b) {
    Map<String, Setting> settings = new LinkedHashMap<>();
    b.settings().forEach(s -> settings.put(s.key(), s));
    if (method == null) {
      for (AttackMethod other : AttackMethod.values()) {
        AttackParams.builder(other).settings().forEach(s -> settings.putIfAbsent(s.key(), s));
      }
    }
    for (String key : m.keys()) {
      if (settings.containsKey(key) && m.has(key)) {
        read(m, settings.get(key));
      }
    }
  }

  /**
   * Reads a setting the mapping holds and hands its value on. A value reported as wrong is not
   * handed on, so a mistake never turns into a fallback unseen.
   */
  private static void read(YamlMap m, Setting s) {
    int reported = m.errors().count();
    Object value = value(m, s);
    if (m.errors().count() == reported) {
      s.apply(value);
    }
  }

  private static Object value(YamlMap m, Setting s) {
    String k = s.key();
    return switch (s.type()) {
      case TEXT -> m.string(k, null);
      case NUMBER -> m.number(k, 0);
      case WHOLE -> m.integer(k, 0);
      case LONG -> m.longValue(k, 0);
      case FLAG -> m.bool(k, false);
      case CHOICE -> m.parsed(k, null, s.parser());
    };
  }
}
