package dev.drelu.spec;

import java.util.Locale;

/** Runs a record's constructor for a spec section, turning its complaint into a located error. */
final class RecordChecks {
  private RecordChecks() {}

  /** Runs a record constructor; its message becomes an error at the key it names. */
  static <T> T construct(YamlMap m, java.util.function.Supplier<T> constructor) {
    int before = m.errors().count();
    T value;
    try {
      value = constructor.get();
    } catch (IllegalArgumentException e) {
      String msg = e.getMessage();
      String key = msg.split(" ", 2)[0];
      if (m.keys().contains(key)) {
        String rest = msg.substring(key.length()).trim();
        m.error(key, rest + hintFor(m, key));
      } else {
        m.errors().add(m.file(), m.line(), m.path("").replaceAll("\\.$", ""), msg);
      }
      return null;
    }
    return m.errors().count() == before ? value : null;
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
