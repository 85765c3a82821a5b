package dev.drelu.spec;

import dev.drelu.attack.AttackParams;
import dev.drelu.attack.DiagnosticsParams;
import dev.drelu.attack.EvaluationParams;
import dev.drelu.attack.Protocol;
import dev.drelu.attack.SweepParams;
import dev.drelu.data.DatasetParams;
import dev.drelu.train.TrainingParams;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads a pipeline spec and the parameter files it names into a {@link PipelineSpec}.
 *
 * <p>Wherever a spec names a parameter set it may give a file path (relative to the file that
 * names it) or the mapping itself ({@link Sections}). Each section is bound into its record by
 * {@link SectionBinder}, whose keys are the record's components. Each mistake is reported with its
 * file, line and key, and all of them at once.
 */
public final class SpecLoader {
  /**
   * The top level: the pipeline's components (but its file, which is where it was read from) and
   * two shorthands that expand into the models: the training every model starts from, and a
   * lambda sweep.
   */
  static final List<String> PIPELINE_KEYS = Stream.concat(
      SectionBinder.of(PipelineSpec.class, "file").keys().stream(), Stream.of("training", "lambdas")).toList();
  private static final SectionBinder<EvaluationParams> EVALUATION = SectionBinder.of(EvaluationParams.class);
  private static final SectionBinder<DiagnosticsParams> DIAGNOSTICS = SectionBinder.of(DiagnosticsParams.class);
  /** The sweep's keys; its attack is read by {@link AttackSpecs} and the record built here. */
  private static final List<String> SWEEP_KEYS = SectionBinder.of(SweepParams.class).keys();

  private SpecLoader() {}

  /**
   * @param file the pipeline spec
   * @return the validated spec
   * @throws SpecException listing every mistake found
   */
  public static PipelineSpec load(Path file) throws SpecException {
    SpecErrors errors = new SpecErrors();
    Path specFile = file.toAbsolutePath().normalize();
    YamlMap root = YamlMap.load(specFile, errors);
    if (root == null) {
      errors.throwIfAny();
    }
    root.rejectUnknownKeys(PIPELINE_KEYS);
    String name = root.string("name", Sections.stem(specFile));
    String experiment = root.string("experiment", "drelu-" + name);
    String description = root.string("description", "");
    DatasetParams dataset = dataset(root);
    TrainingParams training = root.has("training")
        ? Sections.read(root, "training", m -> TrainingSection.read(m, TrainingParams.paper()))
        : TrainingParams.paper();
    List<ModelEntry> models = ModelList.sweepLambdas(root, ModelList.read(root, training, dataset));
    List<Long> seeds = seeds(root);
    List<AttackParams> attacks = attacks(root);
    EvaluationParams evaluation = inline(root, "evaluation", EVALUATION, EvaluationParams.defaults());
    SweepParams sweep = sweep(root);
    DiagnosticsParams diagnostics = inline(root, "diagnostics", DIAGNOSTICS, DiagnosticsParams.defaults());
    int paperTable = paperTable(root);
    Protocol protocol = protocol(root);
    errors.throwIfAny();
    return new PipelineSpec(specFile, name, description, experiment, dataset, models, seeds, attacks, evaluation,
        sweep, diagnostics, paperTable, protocol);
  }

  /** @return the paper's table the spec names ({@code paper-table}), 0 if none */
  private static int paperTable(YamlMap root) {
    int table = root.integer("paper-table", 0);
    if (root.has("paper-table") && (table < 1 || table > PAPER_TABLES)) {
      root.error("paper-table", "must be a table of the paper, 1 to " + PAPER_TABLES + ", but was: " + table
          + " (src/main/resources/paper/README.md lists them)");
    }
    return table;
  }

  /** @return the evaluation protocol the spec's runs follow ({@code protocol}), sound if not given */
  private static Protocol protocol(YamlMap root) {
    String word = root.string("protocol", Protocol.SOUND.key());
    try {
      return Protocol.parse(word);
    } catch (IllegalArgumentException e) {
      root.error("protocol", e.getMessage());
      return Protocol.SOUND;
    }
  }

  /** The paper's Tables 1-9 ({@code dev.drelu.paper.PaperTables}). */
  private static final int PAPER_TABLES = 9;

  private static DatasetParams dataset(YamlMap root) {
    if (!root.has("dataset")) {
      root.error("dataset", "is required (a params file such as ../params/datasets/mnist-digits.yaml, or a mapping)");
      return null;
    }
    return Sections.read(root, "dataset", DatasetSection::read);
  }

  /** A section written inline only; absent, it is {@code defaults}. */
  private static <T extends Record> T inline(YamlMap root, String key, SectionBinder<T> binder, T defaults) {
    YamlMap m = root.map(key);
    if (m == null) {
      return defaults;
    }
    m.rejectUnknownKeys(binder.keys());
    return binder.bind(m, defaults);
  }

  /** Every model trains once per seed; none written is seed 1. */
  private static List<Long> seeds(YamlMap root) {
    List<Long> seeds = new ArrayList<>();
    int before = root.errors().count();
    for (long s : root.wholeNumbers("seeds", Long.MIN_VALUE, Long.MAX_VALUE, "seeds are whole numbers")) {
      if (seeds.contains(s)) {
        root.error("seeds", "seed " + s + " is listed twice; each seed trains every model once");
      } else {
        seeds.add(s);
      }
    }
    if (seeds.isEmpty() && !root.has("seeds")) {
      seeds.add(1L);
    } else if (seeds.isEmpty() && root.errors().count() == before) {
      // not when every listed seed was already reported as invalid: the list is not empty
      root.error("seeds", "must list at least one seed");
    }
    return seeds;
  }

  private static List<AttackParams> attacks(YamlMap root) {
    List<AttackParams> attacks = new ArrayList<>();
    Map<String, String> names = new HashMap<>();
    for (YamlMap.Item item : root.list("attacks")) {
      YamlMap m = Sections.item(root, item);
      AttackParams a = m == null ? null : AttackSpecs.attack(m);
      String first = a == null ? null : names.putIfAbsent(a.name(), item.path());
      if (first != null) {
        root.errors().add(root.file(), item.line(), item.path(), "attack name '" + a.name() + "' is used twice"
            + " (also by " + first + "); give one a different 'name:'");
      } else if (a != null) {
        attacks.add(a);
      }
    }
    return attacks;
  }

  /** Accuracy against the bound: one attack (a file or a mapping) run at every epsilon listed. */
  private static SweepParams sweep(YamlMap root) {
    YamlMap sw = root.map("sweep");
    if (sw == null) {
      return null;
    }
    sw.rejectUnknownKeys(SWEEP_KEYS);
    AttackParams attack = null;
    if (!sw.has("attack")) {
      sw.error("attack", "is required: the attack to run at every bound (a file or a mapping), e.g. APGD-CE");
    } else {
      attack = Sections.read(sw, "attack", AttackSpecs::attack);
    }
    List<Double> epsilons = sw.numbers("epsilons");
    boolean straightThrough = sw.bool("straight-through", true);
    if (attack == null) {
      return null;
    }
    AttackParams swept = attack;
    SweepParams sweep = RecordChecks.construct(sw, () -> new SweepParams(swept, epsilons, straightThrough));
    if (sweep != null) {
      for (double e : epsilons) {
        RecordChecks.construct(sw, () -> sweep.at(e, false)); // every bound must be valid for the attack's norm
      }
    }
    return sweep;
  }
}
