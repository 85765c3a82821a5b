package dev.drelu.spec;

import dev.drelu.core.Checks;
import java.util.Locale;
import java.util.function.Supplier;

/** Runs a record's constructor for a spec section, turning its complaint into a located error. */
final class RecordChecks {
  private RecordChecks() {}

  /**
   * Runs a record constructor; its complaint becomes an error at the key it names, or at the
   * mapping when the key is not written there (a default that does not fit another setting).
   *
   * @return the record, or null if the constructor complained or the supplier reported anything
   */
  static <T> T construct(YamlMap m, Supplier<T> constructor) {
    int before = m.errors().count();
    T value;
    try {
      value = constructor.get();
    } catch (Checks.Invalid e) {
      report(m, e.key(), e.problem(), e.getMessage());
      return null;
    } catch (IllegalArgumentException e) {
      // records outside the spec's own (the attack parameters) may still throw plain messages
      // that start with their key; read it from there until they throw Checks.Invalid too
      String key = e.getMessage().split(" ", 2)[0];
      report(m, key, e.getMessage().substring(key.length()), e.getMessage());
      return null;
    }
    return m.errors().count() == before ? value : null;
  }

  private static void report(YamlMap m, String key, String problem, String message) {
    if (m.keys().contains(key)) {
      m.error(key, problem.trim() + hintFor(m, key));
    } else {
      m.errors().add(m.file(), m.line(), m.path("").replaceAll("\\.$", ""), message);
    }
  }

  private static String hintFor(YamlMap m, String key) {
    double eps = key.equals("epsilon") ? m.number("epsilon", 0) : 0;
    if (eps > 1 && eps <= 255) {
      // a bound on the 0..255 pixel scale; negative or larger values get no guess
      String given = eps == Math.rint(eps) ? String.valueOf((long) eps) : String.valueOf(eps);
      return String.format(Locale.ROOT, "; inputs are scaled to [0, 1], did you mean %s/255 = %.4f?", given, eps / 255);
    }
    return "";
  }
}
