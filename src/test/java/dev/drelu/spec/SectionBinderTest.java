package dev.drelu.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drelu.core.Checks;
import dev.drelu.data.DatasetParams;
import dev.drelu.nn.ActivationKind;
import dev.drelu.nn.Architecture;
import dev.drelu.nn.ModelSpec;
import dev.drelu.nn.Placement;
import dev.drelu.store.Json;
import dev.drelu.train.TrainingParams;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Binding one YAML mapping into a record: keys from its components, values over its defaults. */
class SectionBinderTest {
  @TempDir Path dir;

  /** A record of the kinds of settings specs have. */
  record Schedule(int maxEpochs, double learningRate, boolean fromNatural, TrainingParams.Monitor monitor, long seed) {}

  /** A record whose constructor refuses a combination, naming the key it blames. */
  record Window(int from, int to) {
    Window {
      if (to < from) {
        throw Checks.invalid("to", "must not be before from (" + from + "), but was: " + to);
      }
    }
  }

  /** A record with a list of whole numbers, a type the binder leaves to a reader. */
  record Layers(List<Integer> sizes) {}

  @Test
  void theKeysAreTheRecordsComponentsInKebabCase() {
    assertEquals(List.of("max-epochs", "learning-rate", "from-natural", "monitor", "seed"),
        SectionBinder.of(Schedule.class).keys());
  }

  @Test
  void aComponentTheLoaderSetsIsNotAKey() {
    assertEquals(List.of("max-epochs", "learning-rate", "from-natural", "monitor"),
        SectionBinder.of(Schedule.class, "seed").keys());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SectionBinder.of(Schedule.class, "sede"));
    assertTrue(e.getMessage().contains("has no components [sede]"), e.getMessage());
  }

  @Test
  void aDerivedGetterIsNotAKey() {
    // ModelEntry.isExternal() is a property to Jackson, not a component
    assertEquals(List.of("name", "training", "torchscript"), SectionBinder.of(ModelEntry.class, "model").keys());
  }

  @Test
  void writtenValuesGoOverTheDefaultsAndTheRestIsKept() throws IOException {
    TrainingParams base = TrainingParams.paper().withSeed(9);
    TrainingParams t = SectionBinder.of(TrainingParams.class, "seed").bind(yaml("lambda: 0.5\nmonitor: ce\n"), base);
    assertEquals(0.5, t.lambda());
    assertEquals(TrainingParams.Monitor.CE, t.monitor());
    assertEquals(9, t.seed(), "the loader's seed is kept");
    assertEquals(base, new TrainingParams(t.maxEpochs(), t.batchSize(), t.learningRate(), 0, t.plateauFactor(),
        t.plateauPatience(), t.earlyStoppingPatience(), TrainingParams.Monitor.TOTAL, t.capLearningRate(), t.seed(),
        t.adversarial()), "the rest is the defaults'");
  }

  @Test
  void aValueReportedAsTheWrongTypeIsNotBound() throws IOException {
    YamlMap m = yaml("lambda: 0.5\nbatch-size: 1e0\n");
    SectionBinder<TrainingParams> binder = SectionBinder.of(TrainingParams.class, "seed");
    SectionBinder.Values written = binder.read(m);
    assertTrue(written.has("lambda"));
    assertFalse(written.has("batch-size"), "1e0 is not a whole number as a spec writes it");
    assertEquals("batch-size", errors(m).get(0).key());
    TrainingParams t = binder.bind(m, written, TrainingParams::paper);
    assertEquals(TrainingParams.paper().batchSize(), t.batchSize(), "the default stands in; the spec fails anyway");
  }

  @Test
  void aWrongTypeLeavesTheDefaultSoTheRecordStillChecksTheRest() throws IOException {
    YamlMap m = yaml("# a schedule\nmax-epochs: x\nbatch-size: 0\n");
    assertNull(SectionBinder.of(TrainingParams.class, "seed").bind(m, TrainingParams.paper()));
    List<SpecError> errors = errors(m);
    assertEquals(List.of("max-epochs:2: must be a whole number, but was: x",
        "batch-size:3: must be at least 1, but was: 0"), errors.stream()
        .map(e -> e.key() + ":" + e.line() + ": " + e.message()).toList());
  }

  @Test
  void theConstructorsComplaintIsReportedAtTheKeyItNames() throws IOException {
    SpecError e = windowError("from: 5\nto: 2\n");
    assertEquals(List.of("to", "2"), List.of(e.key(), String.valueOf(e.line())));
    assertEquals("must not be before from (5), but was: 2", e.message());
  }

  @Test
  void aComplaintAboutAKeyNotWrittenIsReportedAtTheMappingInFull() throws IOException {
    SpecError e = windowError("# only from\nfrom: 50\n");
    assertEquals(List.of("", "2"), List.of(e.key(), String.valueOf(e.line())), "the mapping, at its first key");
    assertEquals("to must not be before from (50), but was: 10", e.message());
  }

  /** @return the one mistake binding {@code text} over Window(0, 10) reports */
  private SpecError windowError(String text) throws IOException {
    YamlMap m = yaml(text);
    assertNull(SectionBinder.of(Window.class).bind(m, new Window(0, 10)));
    List<SpecError> errors = errors(m);
    assertEquals(1, errors.size(), errors.toString());
    return errors.get(0);
  }

  @Test
  void aKeyOfATypeWithoutAReaderIsABugNotASpecError() throws IOException {
    YamlMap m = yaml("sizes: [1, 2]\n");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> SectionBinder.of(Layers.class).read(m));
    assertTrue(e.getMessage().contains("Layers.sizes is a List: give the binder a reader"), e.getMessage());
    SectionBinder<Layers> withReader = SectionBinder.of(Layers.class).reading("sizes",
        (map, key) -> map.wholeNumbers(key, 1, 9, "sizes").stream().map(Long::intValue).toList());
    assertEquals(new Layers(List.of(1, 2)), withReader.bind(m, new Layers(List.of())));
  }

  /**
   * Binding goes through its own Jackson view of the records: the cache-key JSON of what it makes
   * is the JSON of the same record made by its constructor, defaults and ignored paths left out.
   */
  @Test
  void boundRecordsHaveTheCacheKeyJsonTheirConstructorGives() throws IOException {
    SectionBinder<ModelSpec> network = SectionBinder.of(ModelSpec.class, "init-from-sha256");
    ModelSpec wide = network.bind(yaml("architecture: resnet50\nwidth: 0.5\nactivation: drelu\ncap-init: 3\n"
        + "dropout: 0.1\nhead-units: 64\nplacement: head\n"), ModelSpec.defaults(Architecture.RESNET50));
    ModelSpec direct = new ModelSpec(Architecture.RESNET50, List.of(), 64, 0.1, ActivationKind.DRELU, Placement.HEAD,
        3, 1.0, 32, 0.5, 1.0, null, null);
    assertEquals(Json.canonical(direct), Json.canonical(wide));
    ModelSpec dense = network.bind(yaml("architecture: dense\nactivation: srelu\n"),
        ModelSpec.defaults(Architecture.DENSE));
    assertFalse(Json.canonical(dense).contains("width"), "the default scale stays out of the key: " + dense);

    SectionBinder<DatasetParams.Generated> generated = SectionBinder.of(DatasetParams.Generated.class);
    assertEquals(List.of("generated-path", "real-ratio", "generated-limit", "generated-image-key",
        "generated-label-key"), generated.keys());
    DatasetParams.Generated g = generated.bind(yaml("generated-path: /a.npz\ngenerated-limit: 7\n"),
        DatasetParams.Generated.of("/b.npz", 0.3));
    assertEquals("/a.npz", g.path());
    assertEquals(Json.canonical(new DatasetParams.Generated("/elsewhere.npz", 0.3, 7, "image", "label")),
        Json.canonical(g), "the path is not part of the key");
  }

  private YamlMap yaml(String text) throws IOException {
    Path f = Files.createTempFile(dir, "section", ".yaml");
    Files.writeString(f, text);
    return YamlMap.load(f, new SpecErrors());
  }

  private static List<SpecError> errors(YamlMap m) {
    return assertThrows(SpecException.class, () -> m.errors().throwIfAny()).errors();
  }
}
