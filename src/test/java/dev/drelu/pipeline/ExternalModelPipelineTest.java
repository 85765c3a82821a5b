package dev.drelu.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.drelu.attack.AttackSource;
import dev.drelu.core.Progress;
import dev.drelu.export.TorchScriptExport;
import dev.drelu.nn.Classifier;
import dev.drelu.spec.PipelineSpec;
import dev.drelu.spec.SpecLoader;
import dev.drelu.store.ArtifactStore;
import dev.drelu.testing.ScriptedNets;
import dev.drelu.testing.Slow;
import dev.drelu.testing.TinyPipeline;
import dev.drelu.train.ModelCard;
import dev.drelu.tracking.TrackingConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An external TorchScript model in a pipeline spec: imported (not trained) under its content key,
 * attacked, diagnosed and summarised like the trained models. Its file is drelu's TorchScript export
 * of the pipeline's own trained dense-relu model, so the two rows of the table must agree: drelu's
 * numbers checked against the same weights from a file, and the export checked end to end.
 */
@Slow
class ExternalModelPipelineTest {
  @BeforeAll
  static void quiet() {
    Progress.setQuiet(true);
  }

  private static RunOptions options(Path store) {
    return new RunOptions(RunOptions.Runner.DIRECT, 2, store, TrackingConfig.disabled(), CacheControl.reuse(), "cpu");
  }

  /** The tiny MNIST pipeline with one trained Dense ReLU model, plus the given model entries. */
  private static Path spec(Path dir, String seeds, String extraModels) throws Exception {
    return specWith(dir, seeds, DENSE_RELU + extraModels);
  }

  private static final String DENSE_RELU = """
        - name: dense-relu
          architecture: dense
          hidden: [32, 16]
          head-units: 16
          activation: relu
      """;

  private static Path specWith(Path dir, String seeds, String models) throws Exception {
    String yaml = """
        name: ext
        %s
        training:
          max-epochs: 2
          batch-size: 32
          learning-rate: 0.01
        models:
        %s
        seeds: %s
        attacks:
          - {name: fgsm, method: fgsm, epsilon: 0.1}
          - {name: pgd, method: pgd, epsilon: 0.1, steps: 3, step-size: 0.04}
          - {name: pgd-transfer, method: pgd, epsilon: 0.1, steps: 3, step-size: 0.04, source: relu-twin}
        evaluation:
          examples: 60
          batch-size: 30
        """.formatted(TinyPipeline.datasetYaml(), models, seeds);
    Path file = dir.resolve("ext.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  private static Map<String, String> keysByLabel(Plan plan) {
    return plan.steps().stream().collect(Collectors.toMap(s -> s.stage().key() + " " + s.label(), Plan.Step::key));
  }

  @Test
  void anExternalModelIsImportedAttackedAndSummarisedLikeItsTrainedTwin(@TempDir Path dir) throws Exception {
    Path store = dir.resolve("store");
    ExperimentResult trainedOnly = ExperimentRunner.run(SpecLoader.load(spec(dir, "[1]", "")), options(store));
    Tasks.Train reluTask = trainedOnly.plan().train().get(0);
    Path models = Files.createDirectories(dir.resolve("models"));
    // drelu's own export of the trained model: its logits were checked against drelu's on writing
    try (Classifier relu = TrainedModel.read(ArtifactStore.open(store.toString()), reluTask.key()).load(Device.cpu())) {
      TorchScriptExport.write(relu, models.resolve("dense.pt"));
    }

    String external = "  - {name: dense-ts, torchscript: models/dense.pt}";
    PipelineSpec spec = SpecLoader.load(spec(dir, "[1]", external));
    Plan plan = Planner.plan(spec, ArtifactStore.open(store.toString()), CacheControl.reuse());
    Tasks.Train imported = plan.train().stream().filter(t -> t.entry().isExternal()).findFirst().orElseThrow();
    assertEquals("dense-ts", imported.label(), "no seed: a file's weights do not depend on one");
    Plan.Step importStep = plan.steps().stream().filter(s -> s.key().equals(imported.key())).findFirst().orElseThrow();
    assertEquals(Plan.Action.RUN, importStep.action());
    assertTrue(importStep.note().startsWith("imports TorchScript " + models.resolve("dense.pt")), importStep.note());
    assertTrue(plan.attack().stream().noneMatch(a -> a.modelKey().equals(imported.key())
        && a.attack().source() == AttackSource.RELU_TWIN), "no ReLU twin of an external file: transfer is skipped");
    assertEquals(2, plan.train().size(), "the trained model and the import; no twin is trained for the file");

    ExperimentResult r = ExperimentRunner.run(spec, options(store));
    // the import, its two attacks, its diagnosis and the summary; the trained model is reused
    assertEquals(5, r.plan().toCompute());
    Map<String, SummaryTable.Row> rows = r.table().rows().stream()
        .collect(Collectors.toMap(SummaryTable.Row::model, Function.identity()));
    SummaryTable.Row mine = rows.get("dense-relu s1");
    SummaryTable.Row theirs = rows.get("dense-ts");
    // ten digits, 300 training images, two epochs: well above chance (10%), far from trained
    assertTrue(mine.clean() > 0.3 && !mine.atChance(), "the trained model learned something: clean " + mine.clean());
    assertEquals(mine.clean(), theirs.clean(), "same weights, same clean accuracy");
    assertEquals(mine.accuracy().get("fgsm"), theirs.accuracy().get("fgsm"));
    assertEquals(mine.accuracy().get("pgd"), theirs.accuracy().get("pgd"));
    assertTrue(theirs.accuracy().get("pgd") < theirs.clean(), "the attacks did something");
    assertEquals(mine.zeroGradientFraction(), theirs.zeroGradientFraction());
    assertFalse(theirs.accuracy().containsKey("pgd-transfer"), "skipped on the external model");
    assertTrue(Double.isNaN(theirs.validationAccuracy()), "not trained here: no validation accuracy");
    assertTrue(Double.isNaN(theirs.capMean()), "no caps");
    assertEquals(mine.masking(), theirs.masking(), "the diagnostics ran on it, and see what they see on the twin");
    assertNotEquals("-", theirs.masking());
    String line = r.table().toMarkdown().lines().filter(l -> l.startsWith("| dense-ts ")).findFirst().orElseThrow();
    List<String> cells = List.of(line.split("\\|"));
    assertEquals("-", cells.get(2).strip(), "val: " + line);
    assertEquals("-", cells.get(r.table().attacks().indexOf("pgd-transfer") + 4).strip(), "pgd-transfer: " + line);

    TrainedModel stored = TrainedModel.read(ArtifactStore.open(store.toString()), imported.key());
    assertEquals(imported.entry().torchscript().sha256(), Classifier.checkpointSha256(stored.torchScript()),
        "the file is in the store under its key");
    ModelCard card = stored.card();
    assertTrue(card.isExternal());
    assertNull(card.model());
    assertFalse(stored.files().has("history.csv"), "no training history");
    assertTrue(Files.exists(r.summary().statistics()));

    assertEquals(0, ExperimentRunner.run(spec, options(store)).plan().toCompute(), "a second run reuses everything");

    // the key follows the content: another path changes nothing, another content recomputes the model's tasks
    Map<String, String> before = keysByLabel(plan);
    Files.copy(models.resolve("dense.pt"), Files.createDirectories(dir.resolve("moved")).resolve("same.pt"));
    Map<String, String> moved = keysByLabel(Planner.plan(SpecLoader.load(spec(dir, "[1]",
        "  - {name: dense-ts, torchscript: moved/same.pt}")), ArtifactStore.open(store.toString()), CacheControl.reuse()));
    assertEquals(before, moved);
    ScriptedNets.Mlp.random(2, 784, 8, 10).write(models.resolve("dense.pt")); // other weights, same shape
    Map<String, String> changed = keysByLabel(Planner.plan(SpecLoader.load(spec(dir, "[1]", external)),
        ArtifactStore.open(store.toString()), CacheControl.reuse()));
    for (String task : before.keySet()) {
      boolean touched = task.contains("dense-ts") || task.startsWith("summarise");
      assertEquals(touched, !before.get(task).equals(changed.get(task)), task);
    }
  }

  @Test
  void aFileThatDoesNotFitTheDatasetStopsTheRunWithItsNameAsTheRootCause(@TempDir Path dir) throws Exception {
    Path file = Files.createDirectories(dir.resolve("models")).resolve("cifar100.pt");
    ScriptedNets.Mlp.random(1, 784, 8, 100).write(file);
    PipelineSpec spec = SpecLoader.load(specWith(dir, "[1]", "  - {name: wrong, torchscript: models/cifar100.pt}"));
    Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
        () -> ExperimentRunner.run(spec, options(dir.resolve("store"))));
    // what the CLI prints (and the MLflow error tag holds): the chain's messages, said once
    assertEquals(List.of(file + ": output shape (2, 100) but the dataset has 10 classes"),
        dev.drelu.core.ErrorMessages.describe(e));
    ArtifactStore store = ArtifactStore.open(dir.resolve("store").toString());
    String key = Planner.plan(spec, store, CacheControl.reuse()).train().get(0).key();
    assertTrue(store.lookup("train", key) instanceof ArtifactStore.Miss, "nothing half-imported is left in the store");
  }

  @Test
  void anExternalModelIsImportedOnceWhateverTheSeeds(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("models"));
    ScriptedNets.Mlp.random(1, 784, 8, 10).write(dir.resolve("models/mlp.pt"));
    PipelineSpec spec = SpecLoader.load(spec(dir, "[1, 2]", "  - {torchscript: models/mlp.pt}"));
    Plan plan = Planner.plan(spec, ArtifactStore.open(dir.resolve("store").toString()), CacheControl.reuse());
    assertEquals(List.of("dense-relu s1", "dense-relu s2", "mlp"), plan.train().stream().map(Tasks.Train::label).toList(),
        "an inline entry is named after its file");
    Tasks.Train imported = plan.train().get(2);
    assertEquals(2, plan.attack().stream().filter(a -> a.modelKey().equals(imported.key())).count(),
        "fgsm and pgd; no transfer");
    assertNotEquals(plan.train().get(0).key(), plan.train().get(1).key());
  }
}
