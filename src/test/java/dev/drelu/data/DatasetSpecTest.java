package dev.drelu.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drelu.spec.PipelineSpec;
import dev.drelu.spec.SpecError;
import dev.drelu.spec.SpecException;
import dev.drelu.spec.SpecLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dataset keys for the new sources and generated data, through the real spec loader. */
class DatasetSpecTest {
  @TempDir Path dir;

  private PipelineSpec load(String datasetYaml) throws Exception {
    Files.createDirectories(dir.resolve("params"));
    Files.writeString(dir.resolve("params/data.yaml"), datasetYaml);
    Path spec = Files.writeString(dir.resolve("p.yaml"), "dataset: params/data.yaml\nmodels:\n  - architecture: dense\n");
    return SpecLoader.load(spec);
  }

  private List<SpecError> errors(String datasetYaml) throws IOException {
    SpecException e = assertThrows(SpecException.class, () -> load(datasetYaml));
    return e.errors();
  }

  private static SpecError only(List<SpecError> errors, String key) {
    List<SpecError> matching = errors.stream().filter(e -> e.key().endsWith(key)).toList();
    assertEquals(1, matching.size(), "one error for " + key + " in " + errors);
    return matching.get(0);
  }

  @Test
  void cifar100WithGeneratedDataGetsThePapersDefaults() throws Exception {
    DatasetParams d = load("source: cifar100\npath: ../cifar-100-binary\ngenerated-path: ../edm/1m.npz\n").dataset();
    assertEquals(DatasetParams.Source.CIFAR100, d.source());
    assertEquals(100, d.numClasses(), "num-classes defaults to the source's");
    assertEquals(dir.resolve("cifar-100-binary").toString(), d.path());
    assertEquals(dir.resolve("edm/1m.npz").toString(), d.generated().path(), "relative to the params file");
    assertEquals(0.3, d.generated().realRatio());
    assertEquals(0, d.generated().limit());
    assertEquals("image", d.generated().imageKey());
    assertEquals("label", d.generated().labelKey());
  }

  @Test
  void tinyImageNetDefaultsToTwoHundredClassesAndRatioPointTwo() throws Exception {
    DatasetParams d = load("source: tiny-imagenet\npath: /data/tiny-imagenet-200\ngenerated-path: /g.npz\n"
        + "generated-limit: 500000\ngenerated-image-key: x\ngenerated-label-key: y\n").dataset();
    assertEquals(200, d.numClasses());
    assertEquals(0.2, d.generated().realRatio());
    assertEquals(500_000, d.generated().limit());
    assertEquals("x", d.generated().imageKey());
    assertEquals("y", d.generated().labelKey());
  }

  @Test
  void withoutGeneratedPathThereIsNoGeneratedData() throws Exception {
    DatasetParams d = load("source: cifar10\npath: /data/c10\n").dataset();
    assertNull(d.generated());
    assertEquals(20, load("source: cifar100-coarse\npath: /c\n").dataset().numClasses());
  }

  @Test
  void realRatioOutsideZeroOneIsReportedOnItsLine() throws IOException {
    SpecError e = only(errors("source: cifar10\npath: /c\ngenerated-path: /g.npz\nreal-ratio: 30\n"), "real-ratio");
    assertEquals(4, e.line());
    assertTrue(e.message().contains("must be in (0, 1], but was: 30.0"), e.message());
    assertTrue(e.message().contains("did you mean 0.3?"), e.message());
    only(errors("source: cifar10\npath: /c\ngenerated-path: /g.npz\nreal-ratio: 0\n"), "real-ratio");
  }

  @Test
  void ratioWithoutGeneratedPathIsAMistake() throws IOException {
    SpecError e = only(errors("source: cifar10\npath: /c\nreal-ratio: 0.3\n"), "real-ratio");
    assertTrue(e.message().contains("set generated-path"), e.message());
  }

  @Test
  void sourcesThatCannotBeDownloadedNeedAPath() throws IOException {
    SpecError e = only(errors("source: tiny-imagenet\n"), "source");
    assertTrue(e.message().contains("needs path:"), e.message());
  }

  @Test
  void wrongClassCountForCifarIsReported() throws IOException {
    SpecError e = only(errors("source: cifar100\npath: /c\nnum-classes: 10\n"), "num-classes");
    assertTrue(e.message().contains("must be 100 for source cifar100, but was: 10"), e.message());
  }

  @Test
  void allMistakesAtOnce() throws IOException {
    List<SpecError> all = errors("source: cifar10\npath: /c\nnum-classes: 11\ngenerated-path: /g.npz\n"
        + "real-ratio: 2\ngenerated-limit: -3\n");
    // the record stops at its first bad value, so the two generated ones count as one
    assertEquals(2, all.size(), all.toString());
    only(all, "num-classes");
    only(all, "real-ratio");
  }

  @Test
  void unknownSourceListsTheNewOnes() throws IOException {
    SpecError e = only(errors("source: cifar-10\npath: /c\n"), "source");
    assertTrue(e.message().contains("cifar10, cifar100, cifar100-coarse, tiny-imagenet"), e.message());
  }
}
