package dev.drelu.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.drelu.attack.AttackOutcome;
import dev.drelu.attack.AttackSummary;
import dev.drelu.attack.Diagnostics;
import dev.drelu.attack.LipschitzEstimate;
import dev.drelu.data.DatasetSplits;
import dev.drelu.nn.ActivationKind;
import dev.drelu.nn.Classifier;
import dev.drelu.nn.TorchScriptFile;
import dev.drelu.store.Artifact;
import dev.drelu.store.ArtifactStore;
import dev.drelu.store.CorruptArtifactException;
import dev.drelu.store.LocalArtifactStore;
import dev.drelu.testing.ToyData;
import dev.drelu.train.EpochMetrics;
import dev.drelu.train.ModelCard;
import dev.drelu.train.TrainingOutcome;
import dev.drelu.train.TrainingParams;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each stage's output record: what it writes reads back equal through the store, and the names
 * of its MLflow metrics and tags are the ones the runs have always had (dashboards and searches
 * use them).
 */
class StageOutputsTest {
  @TempDir Path root;

  private ArtifactStore store() {
    return new LocalArtifactStore(root);
  }

  /** Commits what {@code write} stages, as the runner does, and opens the committed artifact. */
  private Artifact commit(Stage stage, String key, Writer write) throws Exception {
    ArtifactStore store = store();
    ArtifactStore.Staging staging = store.begin(stage.key(), key);
    StageOutput out = write.write(staging);
    store.commit(staging, stage.version(), Map.of(), List.of(), out.fields().text());
    return store.open(stage.key(), key);
  }

  @FunctionalInterface
  private interface Writer {
    StageOutput write(ArtifactStore.Staging staging) throws Exception;
  }

  // ---------------------------------------------------------------- prepare

  @Test
  void preparedDataReadsBackItsShapeCountsAndGeneratedSetWithoutReadingAnImage() throws Exception {
    DatasetSplits splits = new DatasetSplits(ToyData.halves(40, 1), ToyData.halves(10, 2), ToyData.halves(12, 3),
        ToyData.halves(30, 4));
    PreparedData written = PreparedData.write(splits, 0.25, store().begin("prepare", "k"));
    Artifact a = commit(Stage.PREPARE, "k", s -> PreparedData.write(splits, 0.25, s));

    PreparedData read = PreparedData.read(a);
    assertEquals(ToyData.SHAPE, read.shape());
    assertEquals(List.of(40, 10, 12), List.of(read.trainExamples(), read.validationExamples(), read.testExamples()));
    assertEquals(new PreparedData.Generated(30, 0.25), read.generated());
    assertEquals(written.fields().text(), read.fields().text());
    DatasetCache cache = new DatasetCache();
    assertEquals(12, read.test(cache).size());
    assertEquals(10, read.validation(cache).size());
    assertNotNull(read.mix(read.train(cache), cache, 1), "generated images are mixed in");

    assertEquals(Set.of("train_examples", "validation_examples", "test_examples", "classes", "generated_examples",
        "real_ratio"), read.metrics().keySet());
    assertEquals(Map.of("shape", "1x8x8"), read.tags());
    assertEquals("2", a.manifest().summary().get("classes"), "counts are written as whole numbers");
  }

  @Test
  void preparedDataWithoutGeneratedImagesHasNoMixAndNoRatio() throws Exception {
    DatasetSplits splits = new DatasetSplits(ToyData.halves(8, 1), ToyData.halves(4, 2), ToyData.halves(4, 3));
    PreparedData read = PreparedData.read(commit(Stage.PREPARE, "k", s -> PreparedData.write(splits, Double.NaN, s)));
    assertNull(read.generated());
    DatasetCache cache = new DatasetCache();
    assertNull(read.mix(read.train(cache), cache, 1));
    assertTrue(!read.metrics().containsKey("real_ratio") && !read.metrics().containsKey("generated_examples"));
  }

  @Test
  void aSummaryEntryThatIsMissingOrNotANumberIsACorruptArtifactNamingIt() throws Exception {
    ArtifactStore store = store();
    ArtifactStore.Staging s = store.begin("prepare", "k");
    store.commit(s, 1, Map.of(), List.of(), Map.of("train_examples", "forty", "shape", "1x8x8", "classes", "2"));
    CorruptArtifactException notANumber = assertThrows(CorruptArtifactException.class,
        () -> PreparedData.read(store, "k"));
    assertEquals(root.resolve("prepare/k/manifest.json") + ": summary 'train_examples' must be a whole number, but was:"
        + " forty", notANumber.getMessage());

    ArtifactStore.Staging t = store.begin("prepare", "k2");
    store.commit(t, 1, Map.of(), List.of(), Map.of("shape", "1x8x8"));
    CorruptArtifactException missing = assertThrows(CorruptArtifactException.class,
        () -> PreparedData.read(store, "k2"));
    assertTrue(missing.getMessage().contains(": the summary has no 'classes' (it has shape)"), missing.getMessage());

    ArtifactStore.Staging u = store.begin("prepare", "k3");
    store.commit(u, 1, Map.of(), List.of(), Map.of("shape", "28x28", "classes", "10"));
    CorruptArtifactException shape = assertThrows(CorruptArtifactException.class, () -> PreparedData.read(store, "k3"));
    assertTrue(shape.getMessage().endsWith("summary 'shape' must be channels x height x width, e.g. 1x28x28, with 10"
        + " classes, but was: 28x28"), shape.getMessage());
  }

  // ---------------------------------------------------------------- train

  @Test
  void aTrainedModelReadsBackItsCardNumbersAndWeights() throws Exception {
    TrainingParams params = TrainingParams.paper().withMaxEpochs(2);
    TrainingOutcome outcome = new TrainingOutcome(List.of(
        new EpochMetrics(1, 0.5, 0.4, 0.8, 0.6, 0.55, 0.75, 0.1, 1e-3, 1.1, 0.9, 1.3, Double.NaN, 2.5),
        new EpochMetrics(2, 0.25, 0.2, 0.9, 0.3, 0.28, 0.85, 0.05, 1e-4, 1.0, 0.8, 1.2, Double.NaN, 2.25)), 2, false, 1);
    Artifact a;
    dev.drelu.nn.CapSummary caps;
    try (Classifier net = Classifier.create(ToyData.dense(ActivationKind.DRELU, 2.0), ToyData.SHAPE, 1, Device.cpu())) {
      caps = net.capSummary();
      ModelCard card = new ModelCard(ModelCard.FORMAT_VERSION, "dense-drelu", ToyData.dense(ActivationKind.DRELU, 2.0),
          ToyData.SHAPE, params, 2, 2, false, 0.85, caps, "cpu()");
      a = commit(Stage.TRAIN, "k", s -> TrainedModel.writeTrained(net, card, outcome, s));
    }

    TrainedModel read = TrainedModel.read(a);
    assertEquals("dense-drelu", read.card().name());
    assertEquals(0.3, read.bestValidationLoss());
    assertEquals(1, read.resumedFromEpoch());
    assertEquals(2.0, read.capMean(), 1e-6, "D-ReLU caps start at cap-init");
    try (Classifier loaded = read.load(Device.cpu())) {
      assertEquals(caps, loaded.capSummary(), "the saved weights, caps included");
    }
    assertTrue(java.nio.file.Files.readString(read.history()).startsWith("epoch,train_loss"));

    assertEquals(Set.of("best_val_accuracy", "best_val_loss", "best_epoch", "epochs", "resumed_from_epoch", "cap_mean",
        "cap_min", "cap_max"), read.metrics().keySet());
    assertEquals(Map.of("device", "cpu()"), read.tags());
    assertEquals(0.85, read.metrics().get("best_val_accuracy"));
  }

  @Test
  void anImportedModelLogsItsFilesHashAndParameterCount() throws Exception {
    ModelCard card = ModelCard.external("dense-ts", new TorchScriptFile("unused", "ab".repeat(32)), ToyData.SHAPE,
        "cpu()");
    TrainedModel imported = new TrainedModel(card, Double.NaN, 0, 1234, null);
    assertEquals(Map.of("parameters", 1234.0), imported.metrics());
    assertEquals(Map.of("torchscript_sha256", "ab".repeat(32), "device", "cpu()"), imported.tags());
    assertTrue(Double.isNaN(imported.capMean()), "no caps");
  }

  // ---------------------------------------------------------------- attack

  @Test
  void anAttackResultLogsTodaysNamesAndANumericLookingNameStaysATag() throws Exception {
    // two examples: both correct clean, the second broken with 7 queries
    AttackOutcome outcome = new AttackOutcome("1e5", new int[] {4, 9}, new int[] {1, 0}, new int[] {1, 0},
        new int[] {1, 1}, new double[] {0.1, 0.05}, new double[] {1.0, 2.0}, new int[] {0, 1}, new int[] {3, 7}, 2.0);
    AttackResult read = AttackResult.read(commit(Stage.ATTACK, "k", s -> AttackResult.write(outcome, "0:1,1:1", s)));

    assertEquals(Set.of("examples", "clean_accuracy", "robust_accuracy", "zero_gradient_fraction", "max_linf",
        "mean_l2", "images_per_second", "mean_queries", "max_queries"), read.metrics().keySet());
    assertEquals(Map.of("attack", "1e5", "sample_classes", "0:1,1:1"), read.tags(),
        "an attack named like a number is still a label");
    AttackSummary expected = outcome.summary();
    assertEquals(new AttackSummary(expected.attack(), expected.examples(), expected.cleanAccuracy(),
        expected.robustAccuracy(), expected.zeroGradientFraction(), expected.maxLinf(), expected.meanL2(),
        expected.meanQueries(), expected.maxQueries(), Double.NaN, expected.imagesPerSecond()), read.summary(),
        "every number but the seconds, which are not kept");
    assertEquals(List.of(4, 9), java.util.Arrays.stream(read.outcome().index()).boxed().toList(),
        "the per-example results are the written file");
  }

  // ---------------------------------------------------------------- diagnose

  @Test
  void aDiagnosisLogsItsVerdictAndTheChecksThatRan() throws Exception {
    Diagnostics.Report report = new Diagnostics.Report(List.of(
        new Diagnostics.Check("zero-grad", false, 0.4, "40% of inputs"),
        new Diagnostics.Check("chance-at-large-eps", null, Double.NaN, "needs a sweep")), true, "zero-grad", List.of());
    LipschitzEstimate.Summary lipschitz = new LipschitzEstimate.Summary("Linf 0.1", 100, 1.5, 4.0, 1.25, 3.0);
    Diagnosis read = Diagnosis.read(commit(Stage.DIAGNOSE, "k", s -> Diagnosis.write(report, lipschitz, s)));

    assertEquals(report, read.report());
    assertEquals(lipschitz, read.lipschitz());
    assertEquals(Map.of("masking_suspected", 1.0, "check.zero-grad", 0.4, "lipschitz_examples", 100.0,
        "lipschitz_searched_mean", 1.5, "lipschitz_searched_max", 4.0, "lipschitz_sampled_mean", 1.25,
        "lipschitz_sampled_max", 3.0), read.metrics());
    assertEquals(Map.of("masking_flag", "possible gradient masking", "masking_evidence", "zero-grad",
        "check.zero-grad.passed", "NO", "lipschitz_threat_model", "Linf 0.1"), read.tags());
  }

  @Test
  void aDiagnosisWithoutEstimatesReadsBackWithout() throws Exception {
    Diagnostics.Report report = new Diagnostics.Report(List.of(), false, "", List.of());
    Diagnosis read = Diagnosis.read(commit(Stage.DIAGNOSE, "k", s -> Diagnosis.write(report, null, s)));
    assertNull(read.lipschitz());
    assertFalse(read.metrics().keySet().stream().anyMatch(k -> k.startsWith("lipschitz")), read.metrics().toString());
  }

  // ---------------------------------------------------------------- summarise

  @Test
  void aSummaryLogsEachModelsColumnsAndFlagsAModelAtChance() throws Exception {
    SummaryTable table = new SummaryTable(List.of("pgd", "cw"), List.of("Linf 0.1"), List.of("cw"), List.of(
        new SummaryTable.Row("dense-relu s1", "k1", 0.9, 0.95, Map.of("pgd", 0.1, "cw", 0.0),
            Map.of("Linf 0.1", 0.1), Map.of("cw", 1.5), 0.0, Double.NaN, "no", "", 0.1, false, null),
        new SummaryTable.Row("dense-drelu s1", "k2", 0.2, 0.11, Map.of("pgd", 0.1), Map.of(), Map.of(), 0.0, 2.0, "-",
            "", 0.1, true, null)));
    Artifact a = commit(Stage.SUMMARISE, "k", s -> Summary.write(table, s));
    Summary read = Summary.read(a);

    assertEquals(table, read.table());
    assertEquals(Set.of("dense-relu_s1.clean", "dense-relu_s1.pgd", "dense-relu_s1.cw", "dense-relu_s1.worst_linf_0.1",
        "dense-relu_s1.cw_median_l2", "dense-drelu_s1.clean", "dense-drelu_s1.pgd"), read.metrics().keySet());
    assertEquals(Map.of("dense-drelu_s1.at_chance", "yes"), read.tags());
    assertTrue(java.nio.file.Files.readString(read.markdown()).contains("dense-relu s1"));
    assertTrue(read.reportPage().isEmpty(), "no report was written");
  }

  @Test
  void readingAnOutputThatIsNotStoredSaysWhichStageAndKey() {
    IOException e = assertThrows(IOException.class, () -> TrainedModel.read(store(), "abcdef0123456789"));
    assertTrue(e.getMessage().contains("no train artifact abcdef012345 in the store"), e.getMessage());
  }
}
