package dev.drelu.spec;

import dev.drelu.core.Keyed;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A YAML mapping that remembers where each key stands. Typed getters report a wrong type or a
 * missing key to the shared {@link SpecErrors} and hand back a default, so reading carries on
 * and every mistake is found in one pass; {@link #rejectUnknownKeys} catches typos.
 */
final class YamlMap {
  private final Path file;
  private final String prefix;
  private final int line;
  private final Map<String, Node> entries = new LinkedHashMap<>();
  private final Map<String, Integer> keyLines = new LinkedHashMap<>();
  private final SpecErrors errors;

  private YamlMap(Path file, String prefix, MappingNode node, SpecErrors errors) {
    this.file = file;
    this.prefix = prefix;
    this.line = node.getStartMark().getLine() + 1;
    this.errors = errors;
    for (NodeTuple t : node.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k) {
        if (entries.containsKey(k.getValue())) {
          errors.add(file, lineOf(t.getKeyNode()), path(k.getValue()), "appears twice; keep one");
        }
        entries.put(k.getValue(), t.getValueNode());
        keyLines.put(k.getValue(), lineOf(t.getKeyNode()));
      } else {
        errors.add(file, lineOf(t.getKeyNode()), prefix, "keys must be plain words");
      }
    }
  }

  /**
   * Reads a YAML file whose top level is a mapping.
   *
   * @return the mapping, or null after reporting why the file could not be used
   */
  static YamlMap load(Path file, SpecErrors errors) {
    Node root;
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(true); // reported by YamlMap with the line, instead of a bare exception
      root = new Yaml(options).compose(r);
    } catch (NoSuchFileException e) {
      errors.add(file, 0, "", "file not found");
      return null;
    } catch (MarkedYAMLException e) {
      int l = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
      errors.add(file, l, "", "not valid YAML: " + e.getProblem());
      return null;
    } catch (YAMLException | IOException e) {
      errors.add(file, 0, "", "cannot read: " + e.getMessage());
      return null;
    }
    if (!(root instanceof MappingNode m)) {
      errors.add(file, root == null ? 0 : lineOf(root), "", "must be a mapping of keys to values, but is "
          + (root == null ? "empty" : describe(root)));
      return null;
    }
    return new YamlMap(file, "", m, errors);
  }

  Path file() {
    return file;
  }

  int line() {
    return line;
  }

  /** @return true for a file's top-level mapping, false for a nested one */
  boolean isFileRoot() {
    return prefix.isEmpty();
  }

  /** @return true if the key holds a single value (e.g. a file path) */
  boolean isScalar(String key) {
    return has(key) && entries.get(key) instanceof ScalarNode;
  }

  boolean has(String key) {
    return entries.containsKey(key) && !isNull(entries.get(key));
  }

  /** @return the dotted path of a key in this map */
  String path(String key) {
    return prefix.isEmpty() ? key : prefix + "." + key;
  }

  /** @return the line a key stands on (the map's own line if absent) */
  int lineOf(String key) {
    return keyLines.getOrDefault(key, line);
  }

  void error(String key, String message) {
    errors.add(file, lineOf(key), path(key), message);
  }

  SpecErrors errors() {
    return errors;
  }

  /** Reports {@code key} as required, naming the values it takes, unless the mapping has it. */
  void requireOneOf(String key, Keyed[] values) {
    if (!has(key)) {
      error(key, "is required: one of " + String.join(", ", Arrays.stream(values).map(Keyed::key).toList()));
    }
  }

  /** Reports every key not in {@code allowed}, suggesting the nearest allowed one. */
  void rejectUnknownKeys(Collection<String> allowed) {
    for (String key : entries.keySet()) {
      if (!allowed.contains(key)) {
        String hint = nearest(key, allowed);
        errors.add(file, lineOf(key), path(key), "unknown key"
            + (hint == null ? "" : "; did you mean '" + hint + "'?")
            + " (allowed: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
      }
    }
  }

  String string(String key, String fallback) {
    Node n = entries.get(key);
    if (n == null || isNull(n)) {
      return fallback;
    }
    if (n instanceof ScalarNode s) {
      return s.getValue();
    }
    error(key, "must be a single value, but is " + describe(n));
    return fallback;
  }

  /**
   * A finite number. NaN and infinities are refused: no setting means them, and NaN would slip
   * through range checks written as {@code x < lo || x > hi}.
   */
  double number(String key, double fallback) {
    return typed(key, fallback, YamlMap::finite, "must be a number");
  }

  int integer(String key, int fallback) {
    return typed(key, fallback, s -> (int) integral(s, Integer.MIN_VALUE, Integer.MAX_VALUE), "must be a whole number");
  }

  long longValue(String key, long fallback) {
    return typed(key, fallback, s -> integral(s, Long.MIN_VALUE, Long.MAX_VALUE), "must be a whole number");
  }

  /** The message of the NumberFormatException {@link #finite} throws for NaN and infinities. */
  private static final String NOT_FINITE = "not finite";

  /** @throws NumberFormatException unless {@code s} is a finite number */
  private static double finite(String s) {
    double v = Double.parseDouble(s);
    if (!Double.isFinite(v)) {
      throw new NumberFormatException(NOT_FINITE);
    }
    return v;
  }

  /**
   * A scalar whole-number setting, written as digits (so "1e3" and "1.5" are refused, as before);
   * a value beyond [min, max] is refused with the range instead of the bare "must be a whole number".
   */
  private static long integral(String s, long min, long max) {
    if (!s.strip().matches("[-+]?\\d+")) {
      throw new NumberFormatException(s);
    }
    return whole(s, min, max);
  }

  /**
   * Parses a whole number exactly: "3", "3.0" and "1e3" are whole, "2.5" is not, and a value
   * outside [min, max] is refused rather than clamped ({@code (long) 1e30} is Long.MAX_VALUE).
   *
   * @throws NumberFormatException with the accepted range when it is a whole number out of range
   */
  static long whole(String s, long min, long max) {
    java.math.BigDecimal d;
    try {
      d = new java.math.BigDecimal(s.strip());
    } catch (NumberFormatException e) {
      throw new NumberFormatException(s);
    }
    java.math.BigInteger v;
    try {
      v = d.toBigIntegerExact();
    } catch (ArithmeticException e) {
      throw new NumberFormatException(s);
    }
    if (v.compareTo(java.math.BigInteger.valueOf(min)) < 0 || v.compareTo(java.math.BigInteger.valueOf(max)) > 0) {
      throw new NumberFormatException("in [" + min + ", " + max + "]");
    }
    return v.longValueExact();
  }

  private <T> T typed(String key, T fallback, Function<String, T> parse, String expectation) {
    String s = string(key, null);
    if (s == null) {
      return fallback;
    }
    try {
      return parse.apply(s);
    } catch (NumberFormatException e) {
      if (NOT_FINITE.equals(e.getMessage())) {
        // NaN used to mean "unset" inside drelu; written in a spec it silently ran the default
        error(key, "must be a finite number, but was: " + s + "; leave the key out to get its default");
      } else {
        error(key, expectation + range(e) + ", but was: " + s);
      }
      return fallback;
    }
  }

  /** @return " in [min, max]" when {@link #whole} refused a value for its range, else "" */
  private static String range(NumberFormatException e) {
    return e.getMessage() != null && e.getMessage().startsWith("in [") ? " " + e.getMessage() : "";
  }

  boolean bool(String key, boolean fallback) {
    String s = string(key, null);
    if (s == null) {
      return fallback;
    }
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> {
        error(key, "must be true or false, but was: " + s);
        yield fallback;
      }
    };
  }

  /** Parses a scalar with {@code parser}; its IllegalArgumentException message becomes the error. */
  <T> T parsed(String key, T fallback, Function<String, T> parser) {
    String s = string(key, null);
    if (s == null) {
      return fallback;
    }
    try {
      return parser.apply(s);
    } catch (IllegalArgumentException e) {
      error(key, e.getMessage());
      return fallback;
    }
  }

  /** A nested mapping, or null (absent, or reported if not a mapping). */
  YamlMap map(String key) {
    Node n = entries.get(key);
    if (n == null || isNull(n)) {
      return null;
    }
    if (n instanceof MappingNode m) {
      return new YamlMap(file, path(key), m, errors);
    }
    error(key, "must be a mapping of keys to values, but is " + describe(n));
    return null;
  }

  /** A list of items: each item is a scalar (Node kept for its line) or a mapping. */
  List<Item> list(String key) {
    Node n = entries.get(key);
    if (n == null || isNull(n)) {
      return List.of();
    }
    if (!(n instanceof SequenceNode seq)) {
      if (n instanceof ScalarNode s) {
        return List.of(new Item(path(key), lineOf(key), s.getValue(), null));
      }
      error(key, "must be a list, but is " + describe(n));
      return List.of();
    }
    List<Item> items = new ArrayList<>();
    int i = 0;
    for (Node element : seq.getValue()) {
      String p = path(key) + "[" + i++ + "]";
      if (element instanceof ScalarNode s) {
        items.add(new Item(p, lineOf(element), s.getValue(), null));
      } else if (element instanceof MappingNode m) {
        items.add(new Item(p, lineOf(element), null, new YamlMap(file, p, m, errors)));
      } else {
        errors.add(file, lineOf(element), p, "must be a value or a mapping, but is " + describe(element));
      }
    }
    return items;
  }

  /** A list of finite numbers; each bad element is reported at its own line and index. */
  List<Double> numbers(String key) {
    List<Double> out = new ArrayList<>();
    for (Item item : list(key)) {
      if (item.scalar() == null) {
        errors.add(file, item.line(), item.path(), "must be a number, but is a mapping");
        continue;
      }
      try {
        out.add(finite(item.scalar()));
      } catch (NumberFormatException e) {
        errors.add(file, item.line(), item.path(), "must be a finite number, but was: " + item.scalar());
      }
    }
    return out;
  }

  /**
   * A list of whole numbers in [min, max], read exactly (not through a double, which rounds above
   * 2^53 and clamps on the cast); each bad element is reported at its own line and index.
   *
   * @param what what the numbers are and what to do, e.g. "seeds are whole numbers"
   */
  List<Long> wholeNumbers(String key, long min, long max, String what) {
    List<Long> out = new ArrayList<>();
    for (Item item : list(key)) {
      if (item.scalar() == null) {
        errors.add(file, item.line(), item.path(), "must be a whole number, but is a mapping");
        continue;
      }
      try {
        out.add(whole(item.scalar(), min, max));
      } catch (NumberFormatException e) {
        errors.add(file, item.line(), item.path(), "must be a whole number in [" + min + ", " + max + "] ("
            + what + "), but was: " + item.scalar());
      }
    }
    return out;
  }

  /** One list element: a scalar or a nested mapping, with where it stands. */
  record Item(String path, int line, String scalar, YamlMap map) {}

  Set<String> keys() {
    return entries.keySet();
  }

  private static boolean isNull(Node n) {
    return n instanceof ScalarNode s && Tag.NULL.equals(s.getTag());
  }

  private static int lineOf(Node n) {
    return n.getStartMark().getLine() + 1;
  }

  private static String describe(Node n) {
    return n instanceof MappingNode ? "a mapping" : n instanceof SequenceNode ? "a list" : "a value";
  }

  /** @return the allowed word within edit distance 2 of {@code key}, if any */
  static String nearest(String key, Collection<String> allowed) {
    String best = null;
    int bestDistance = 3;
    for (String a : allowed) {
      int d = distance(key, a);
      if (d < bestDistance) {
        best = a;
        bestDistance = d;
      }
    }
    return best;
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
