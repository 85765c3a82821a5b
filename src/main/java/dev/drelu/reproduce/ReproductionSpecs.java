package dev.drelu.reproduce;

import dev.drelu.attack.AttackParams;
import dev.drelu.attack.AttackSource;
import dev.drelu.attack.EvaluationParams;
import dev.drelu.attack.Norm;
import dev.drelu.attack.Protocol;
import dev.drelu.attack.ThreatModel;
import dev.drelu.paper.PaperCell;
import dev.drelu.spec.AttackPreset;
import dev.drelu.spec.PipelineSpec;
import dev.drelu.spec.SpecException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Derives the two evaluations of a reproduction from a spec that names its paper table: the same
 * models, seeds and data, evaluated once the authors' way (faithful) and once soundly.
 *
 * <ul>
 *   <li><b>Faithful</b>: the paper-protocol preset's attacks that the table has a column for,
 *       on {@code test-fraction} of the official test split (capped by the spec's
 *       {@code evaluation.examples} when that is smaller: a CPU cut the report states); no
 *       diagnostics (the masking verdict is the sound run's).
 *   <li><b>Sound</b>: every attack of the standard preset folder (so attacks added there join
 *       automatically), plus the spec's straight-through and transfer attacks, plus the spec's
 *       attacks in a norm the standard preset lacks (CW-L2) so that every cell has a sound value;
 *       each bound to the faithful attack's radius in its norm, because a difference between two
 *       threat models measures the radius, not the evaluation. The spec's own test sample and
 *       diagnostics.
 * </ul>
 *
 * @param faithful the paper-protocol pipeline
 * @param sound the sound pipeline
 * @param faithfulPreset where the faithful attacks came from
 * @param soundPreset where the sound attacks came from
 * @param cuts what this run does differently from the protocol, in words (empty: nothing)
 */
public record ReproductionSpecs(PipelineSpec faithful, PipelineSpec sound, Path faithfulPreset, Path soundPreset,
    List<String> cuts) {
  /** MNIST, CIFAR-10/100 and TinyImageNet's official test (validation) splits all hold 10,000 images. */
  static final int OFFICIAL_TEST_IMAGES = 10_000;

  public ReproductionSpecs {
    cuts = List.copyOf(cuts);
  }

  /**
   * @param spec a spec naming its paper table
   * @param cells that table's cells (their metrics choose the faithful attacks)
   * @param presets the folder holding the presets ({@code params/attacks})
   * @throws IllegalArgumentException (one line) if the spec names no paper table
   * @throws SpecException if a preset file is wrong
   */
  public static ReproductionSpecs of(PipelineSpec spec, List<PaperCell> cells, Path presets) throws SpecException {
    requirePaperTable(spec);
    boolean mnist = cells.stream().allMatch(c -> c.dataset().equals("mnist"));
    Path faithfulFolder = presets.resolve(mnist ? "paper-protocol" : "paper-protocol-cifar");
    Path soundFolder = presets.resolve(mnist ? "standard-mnist" : "standard-cifar");
    AttackPreset protocol = AttackPreset.load(faithfulFolder);
    AttackPreset standard = AttackPreset.load(soundFolder);
    Set<String> metrics = new LinkedHashSet<>();
    cells.forEach(c -> metrics.add(c.metric()));
    List<AttackParams> faithfulAttacks = protocol.attacks().stream().filter(a -> metrics.contains(a.name())).toList();
    Map<Norm, Double> radius = new LinkedHashMap<>();
    faithfulAttacks.forEach(a -> radius.putIfAbsent(a.norm(), a.epsilon()));
    List<String> cuts = new ArrayList<>();
    int examples = (int) Math.round(protocol.testFraction() * OFFICIAL_TEST_IMAGES);
    EvaluationParams e = spec.evaluation();
    if (e.examples() > 0 && e.examples() < examples) {
      cuts.add("the faithful run attacks " + e.examples() + " test images (the spec's evaluation.examples), not "
          + examples + " (" + protocol.testFraction() * 100 + "% of the official test split)");
      examples = e.examples();
    }
    PipelineSpec faithful = spec.withEvaluation(spec.name() + "-paper-protocol", faithfulAttacks,
        new EvaluationParams(examples, e.batchSize(), e.shards(), e.samplingSeed(), e.channelsLast()), Protocol.PAPER)
        .withDiagnostics(new dev.drelu.attack.DiagnosticsParams(false, false, 0));
    List<AttackParams> soundAttacks = new ArrayList<>();
    Set<Norm> standardNorms = new LinkedHashSet<>();
    standard.attacks().forEach(a -> standardNorms.add(a.norm()));
    for (AttackParams a : standard.attacks()) {
      soundAttacks.add(bound(a, radius));
    }
    for (AttackParams a : spec.attacks()) {
      boolean adaptive = a.straightThrough() || a.source() == AttackSource.RELU_TWIN;
      boolean otherNorm = !standardNorms.contains(a.norm()) && radius.containsKey(a.norm());
      if ((adaptive || otherNorm) && soundAttacks.stream().noneMatch(s -> s.name().equals(a.name()))) {
        soundAttacks.add(bound(a, radius));
      }
    }
    PipelineSpec sound = spec.withEvaluation(spec.name() + "-sound", soundAttacks, e, Protocol.SOUND);
    return new ReproductionSpecs(faithful, sound, faithfulFolder, soundFolder, cuts);
  }

  /** @throws IllegalArgumentException (one line) if the spec names no paper table */
  public static void requirePaperTable(PipelineSpec spec) {
    if (spec.paperTable() == 0) {
      throw new IllegalArgumentException(spec.file() + ": names no paper table; add `paper-table: N` (1-9, the"
          + " table of the paper its models reproduce) to compare them with the paper");
    }
  }

  /** @return the attack at the faithful radius of its norm (unchanged if no faithful attack has that norm) */
  private static AttackParams bound(AttackParams a, Map<Norm, Double> radius) {
    Double r = radius.get(a.norm());
    return r == null || r == a.epsilon() ? a : a.withEpsilon(r);
  }

  /** @return the threat model a paper cell's number is measured in: its faithful attack's (null for clean) */
  public ThreatModel threatModelOf(String metric) {
    return faithful.attacks().stream().filter(a -> a.name().equals(metric)).map(AttackParams::threatModel)
        .findFirst().orElse(null);
  }
}
