package dev.drelu.spec;

import dev.drelu.attack.AttackParams;
import dev.drelu.attack.Protocol;
import dev.drelu.core.Checks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A folder of attack files (a preset, e.g. {@code params/attacks/paper-protocol/}): every
 * {@code *.yaml} in it is one attack, in file-name order, except {@code evaluation.yaml}, which
 * says how the preset evaluates ({@code protocol}, {@code test-fraction}).
 *
 * <p>A setting that departs from a sound evaluation carries a trailing {@code # deviation: why}
 * comment on its line; {@link #deviations} reads those labels, so a test (and the reproduction
 * report) can check that a preset differs from its sound counterpart exactly where it says.
 *
 * @param folder where the preset is
 * @param attacks its attacks, in file-name order
 * @param protocol the protocol its runs follow (sound without an {@code evaluation.yaml})
 * @param testFraction the share of the test split it attacks (1 = all)
 * @param deviations by attack name ({@link #EVALUATION} for the evaluation file): the keys
 *     labelled {@code # deviation:}
 */
public record AttackPreset(Path folder, List<AttackParams> attacks, Protocol protocol, double testFraction,
    Map<String, Set<String>> deviations) {
  /** The file of a preset that holds its evaluation settings rather than an attack. */
  public static final String EVALUATION = "evaluation";

  private static final Pattern LABELLED = Pattern.compile("^([a-z][a-z0-9-]*)\\s*:.*#\\s*deviation:.*$");

  public AttackPreset {
    attacks = List.copyOf(attacks);
    Checks.inRange("test-fraction", testFraction, Double.MIN_VALUE, 1.0);
    deviations = Map.copyOf(deviations);
  }

  /**
   * @param folder the preset's folder
   * @return its attacks and evaluation settings
   * @throws SpecException listing every mistake in its files, each located
   * @throws IllegalArgumentException (one line) if the folder does not exist or holds no attack
   */
  public static AttackPreset load(Path folder) throws SpecException {
    if (!Files.isDirectory(folder)) {
      throw new IllegalArgumentException("attack preset " + folder + ": no such folder; give a folder of attack"
          + " files such as params/attacks/standard-mnist");
    }
    SpecErrors errors = new SpecErrors();
    List<AttackParams> attacks = new ArrayList<>();
    Map<String, Set<String>> deviations = new LinkedHashMap<>();
    Protocol protocol = Protocol.SOUND;
    double fraction = 1.0;
    for (Path file : yamlFiles(folder)) {
      YamlMap m = YamlMap.load(file.toAbsolutePath().normalize(), errors);
      if (m == null) {
        continue;
      }
      if (file.getFileName().toString().equals(EVALUATION + ".yaml")) {
        m.rejectUnknownKeys(List.of("protocol", "test-fraction"));
        protocol = m.parsed("protocol", Protocol.SOUND, Protocol::parse);
        fraction = m.number("test-fraction", 1.0);
        if (!(fraction > 0 && fraction <= 1)) {
          m.error("test-fraction", "must be in (0, 1], the share of the test split attacked, but was: " + fraction);
          fraction = 1.0;
        }
        deviations.put(EVALUATION, labelled(file));
        continue;
      }
      AttackParams a = AttackSpecs.attack(m);
      if (a != null) {
        attacks.add(a);
        deviations.put(a.name(), labelled(file));
      }
    }
    errors.throwIfAny();
    if (attacks.isEmpty()) {
      throw new IllegalArgumentException("attack preset " + folder + " holds no attack file (*.yaml)");
    }
    return new AttackPreset(folder, attacks, protocol, fraction, deviations);
  }

  /** @return the attack of this name, if the preset has one */
  public java.util.Optional<AttackParams> attack(String name) {
    return attacks.stream().filter(a -> a.name().equals(name)).findFirst();
  }

  /** @return the keys of {@code file} whose line carries a {@code # deviation:} label */
  static Set<String> labelled(Path file) {
    Set<String> keys = new LinkedHashSet<>();
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        Matcher m = LABELLED.matcher(line);
        if (m.matches()) {
          keys.add(m.group(1));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return keys;
  }

  private static List<Path> yamlFiles(Path folder) {
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + folder + ": " + e.getMessage(), e);
    }
  }
}
