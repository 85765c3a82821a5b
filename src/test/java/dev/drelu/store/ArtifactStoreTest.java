package dev.drelu.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drelu.core.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store on a real folder: commit, look up, corruption, replacement, and cache keys. */
class ArtifactStoreTest {
  private static final String STAGE = "train";
  private static final String KEY = CacheKey.of(STAGE, 1, Map.of("lr", 0.001), List.of("k-data"));

  @TempDir Path root;

  // ---------------------------------------------------------------- commit and look up

  @Test
  void commitThenLookupIsAHitWithSummaryAndManifest() throws IOException {
    LocalArtifactStore store = new LocalArtifactStore(root);
    assertInstanceOf(ArtifactStore.Miss.class, store.lookup(STAGE, KEY));

    byte[] weights = {1, 2, 3, 4, 5};
    String log = "epoch 1\n";
    ArtifactRef ref = commit(store, KEY, Map.of("model.bin", weights, "log.txt", log.getBytes(StandardCharsets.UTF_8)),
        Map.of("accuracy", "0.97"));
    assertEquals(root.resolve(STAGE).resolve(KEY).toString(), ref.location());

    ArtifactStore.Hit hit = assertInstanceOf(ArtifactStore.Hit.class, store.lookup(STAGE, KEY));
    assertEquals(Map.of("accuracy", "0.97"), hit.ref().summary());
    assertEquals(ref.location(), hit.ref().location());
    Manifest m = hit.manifest();
    assertEquals(Manifest.FORMAT_VERSION, m.formatVersion());
    assertEquals(STAGE, m.stage());
    assertEquals(3, m.stageVersion());
    assertEquals(KEY, m.key());
    assertEquals(Map.of("lr", 0.001, "layers", List.of(8, 4)), m.params());
    assertEquals(List.of("k-data", "k-other"), m.inputKeys());
    assertEquals(Map.of("accuracy", "0.97"), m.summary());
    assertEquals(Map.of(
            "model.bin", new Manifest.FileEntry(sha256(weights), 5),
            "log.txt", new Manifest.FileEntry(sha256(log.getBytes(StandardCharsets.UTF_8)), log.length())),
        m.files());
    assertFalse(m.files().containsKey(ArtifactStore.MANIFEST), "the manifest does not list itself");
    assertFalse(m.provenance().getOrDefault("code_version", "").isBlank(), m.provenance().toString());
    Instant created = Instant.parse(m.provenance().get("created"));
    assertTrue(Math.abs(Instant.now().getEpochSecond() - created.getEpochSecond()) < 600, created.toString());
    assertEquals(m, store.open(STAGE, KEY).manifest());
    assertEquals(List.of(m), store.list());
    assertArrayEquals(weights, Files.readAllBytes(Path.of(ref.location()).resolve("model.bin")));
    assertEquals(List.of(), leftovers(".staging"));
  }

  @Test
  void abandonedStagingLeavesNothingBehind() throws IOException {
    LocalArtifactStore store = new LocalArtifactStore(root);
    ArtifactStore.Staging s = store.begin(STAGE, KEY);
    Files.write(s.dir().resolve("half.bin"), new byte[100]);
    Files.createDirectories(s.dir().resolve("sub"));
    Files.writeString(s.dir().resolve("sub/part.txt"), "x");

    store.abandon(s);

    assertFalse(Files.exists(s.dir()));
    assertFalse(Files.exists(root.resolve(STAGE)) && !isEmpty(root.resolve(STAGE)), "something under " + STAGE);
    assertEquals(List.of(), leftovers(".staging"));
    assertInstanceOf(ArtifactStore.Miss.class, store.lookup(STAGE, KEY));
  }

  @Test
  void oneChangedByteIsCorruptAndNamesTheFile() throws IOException {
    LocalArtifactStore store = new LocalArtifactStore(root);
    ArtifactRef ref = commit(store, KEY, Map.of("model.bin", new byte[] {10, 20, 30}), Map.of());
    Path file = Path.of(ref.location()).resolve("model.bin");
    Files.write(file, new byte[] {10, 21, 30});

    ArtifactStore.Corrupt c = assertInstanceOf(ArtifactStore.Corrupt.class, store.lookup(STAGE, KEY));
    assertTrue(c.reason().contains(file.toString()), c.reason());
    assertTrue(c.reason().contains("sha256"), c.reason());
    assertTrue(store.find(STAGE, KEY).isEmpty());
  }

  @Test
  void truncatedFileIsCorruptAndNamesTheFileAndSizes() throws IOException {
    LocalArtifactStore store = new LocalArtifactStore(root);
    ArtifactRef ref = commit(store, KEY, Map.of("model.bin", new byte[64]), Map.of());
    Path file = Path.of(ref.location()).resolve("model.bin");
    Files.write(file, new byte[10]);

    ArtifactStore.Corrupt c = assertInstanceOf(ArtifactStore.Corrupt.class, store.lookup(STAGE, KEY));
    assertTrue(c.reason().contains(file.toString()), c.reason());
    assertTrue(c.reason().contains("expected 64 bytes, got 10"), c.reason());
  }

  @Test
  void deletedFileIsCorruptAndNamesTheFile() throws IOException {
    LocalArtifactStore store = new LocalArtifactStore(root);
    ArtifactRef ref = commit(store, KEY, Map.of("model.bin", new byte[8], "log.txt", new byte[2]), Map.of());
    Path file = Path.of(ref.location()).resolve("log.txt");
    Files.delete(file);

    ArtifactStore.Corrupt c = assertInstanceOf(ArtifactStore.Corrupt.class, store.lookup(STAGE, KEY));
    assertTrue(c.reason().contains(file.toString()), c.reason());
    assertTrue(c.reason().contains("missing"), c.reason());
  }

  @Test
  void deletedOrBrokenManifestIsCorrupt() throws IOException {
    LocalArtifactStore store = new LocalArtifactStore(root);
    Path dir = Path.of(commit(store, KEY, Map.of("a", new byte[1]), Map.of()).location());
    Files.writeString(dir.resolve(ArtifactStore.MANIFEST), "{\"formatVersion\": 1, \"files\": ");
    ArtifactStore.Corrupt broken = assertInstanceOf(ArtifactStore.Corrupt.class, store.lookup(STAGE, KEY));
    assertTrue(broken.reason().contains(dir.resolve(ArtifactStore.MANIFEST).toString()), broken.reason());

    Files.delete(dir.resolve(ArtifactStore.MANIFEST));
    ArtifactStore.Corrupt gone = assertInstanceOf(ArtifactStore.Corrupt.class, store.lookup(STAGE, KEY));
    assertTrue(gone.reason().contains(dir.toString()) && gone.reason().contains(ArtifactStore.MANIFEST), gone.reason());
  }

  @Test
  void committingAgainReplacesTheOldArtifactAndLeavesNoTrash() throws IOException {
    LocalArtifactStore store = new LocalArtifactStore(root);
    commit(store, KEY, Map.of("model.bin", new byte[] {1}, "old-only.txt", new byte[] {9}), Map.of("run", "1"));

    ArtifactRef second = commit(store, KEY, Map.of("model.bin", new byte[] {2, 2}), Map.of("run", "2"));

    ArtifactStore.Hit hit = assertInstanceOf(ArtifactStore.Hit.class, store.lookup(STAGE, KEY));
    assertEquals(Map.of("run", "2"), hit.ref().summary());
    assertEquals(Map.of("model.bin", new Manifest.FileEntry(sha256(new byte[] {2, 2}), 2)), hit.manifest().files());
    Path dir = Path.of(second.location());
    assertArrayEquals(new byte[] {2, 2}, Files.readAllBytes(dir.resolve("model.bin")));
    assertFalse(Files.exists(dir.resolve("old-only.txt")), "a file of the old artifact survived");
    assertEquals(List.of(), leftovers(".trash"));
    assertEquals(List.of(), leftovers(".staging"));
    assertEquals(1, store.list().size());
  }

  @Test
  void committingOverACorruptCopyRepairsIt() throws IOException {
    LocalArtifactStore store = new LocalArtifactStore(root);
    Path dir = Path.of(commit(store, KEY, Map.of("model.bin", new byte[] {1}), Map.of()).location());
    Files.write(dir.resolve("model.bin"), new byte[] {7});
    assertInstanceOf(ArtifactStore.Corrupt.class, store.lookup(STAGE, KEY));

    commit(store, KEY, Map.of("model.bin", new byte[] {1}), Map.of());
    assertInstanceOf(ArtifactStore.Hit.class, store.lookup(STAGE, KEY));
  }

  // ---------------------------------------------------------------- open

  @Test
  void anOpenedArtifactGivesItsListedFilesByName() throws IOException {
    ArtifactStore store = new LocalArtifactStore(root);
    commit(store, KEY, Map.of("model.bin", new byte[] {1, 2}, "report/index.html", new byte[] {3}), Map.of("a", "b"));

    Artifact a = store.open(STAGE, KEY);
    assertEquals(Map.of("a", "b"), a.ref().summary());
    assertEquals(KEY, a.manifest().key());
    assertArrayEquals(new byte[] {1, 2}, Files.readAllBytes(a.file("model.bin")));
    assertArrayEquals(new byte[] {3}, Files.readAllBytes(a.file("report/index.html")));
    assertTrue(a.has("report/index.html"));
    assertFalse(a.has("history.csv"));
  }

  @Test
  void anOpenedArtifactRefusesAFileItsManifestDoesNotListNamingWhatItLists() throws IOException {
    ArtifactStore store = new LocalArtifactStore(root);
    Path dir = Path.of(commit(store, KEY, Map.of("model.bin", new byte[] {1}), Map.of()).location());
    Files.write(dir.resolve("smuggled.bin"), new byte[] {6}); // there, but never committed

    CorruptArtifactException e = org.junit.jupiter.api.Assertions.assertThrows(CorruptArtifactException.class,
        () -> store.open(STAGE, KEY).file("smuggled.bin"));
    assertEquals(dir.resolve("smuggled.bin") + ": not listed in the manifest of this train artifact (it lists model.bin)",
        e.getMessage());
  }

  @Test
  void anOpenedArtifactRefusesAFileWhoseSizeChangedSinceItsCommit() throws IOException {
    ArtifactStore store = new LocalArtifactStore(root);
    Path dir = Path.of(commit(store, KEY, Map.of("model.bin", new byte[8]), Map.of()).location());
    Artifact a = store.open(STAGE, KEY);
    Files.write(dir.resolve("model.bin"), new byte[3]);

    CorruptArtifactException e = org.junit.jupiter.api.Assertions.assertThrows(CorruptArtifactException.class,
        () -> a.file("model.bin"));
    assertEquals(dir.resolve("model.bin") + ": expected 8 bytes, got 3", e.getMessage());
  }

  @Test
  void openingAnArtifactThatIsNotStoredSaysSoAndOneWithAChangedManifestIsCorrupt() throws IOException {
    ArtifactStore store = new LocalArtifactStore(root);
    java.nio.file.NoSuchFileException missing = org.junit.jupiter.api.Assertions.assertThrows(
        java.nio.file.NoSuchFileException.class, () -> store.open(STAGE, KEY));
    assertTrue(missing.getMessage().contains("no train artifact " + CacheKey.shortForm(KEY) + " in the store"),
        missing.getMessage());

    Path dir = Path.of(commit(store, KEY, Map.of("model.bin", new byte[1]), Map.of("accuracy", "0.5")).location());
    Path manifest = dir.resolve(ArtifactStore.MANIFEST);
    Files.writeString(manifest, Files.readString(manifest).replace("0.5", "0.9"));
    CorruptArtifactException changed = org.junit.jupiter.api.Assertions.assertThrows(CorruptArtifactException.class,
        () -> store.open(STAGE, KEY));
    assertTrue(changed.getMessage().endsWith("the manifest changed after its commit"), changed.getMessage());
  }

  // ---------------------------------------------------------------- manifest format

  /** Exactly what format version 1 wrote (field names and layout); it must keep loading. */
  private static final String MANIFEST_V1 = """
      {
        "files" : {
          "model.bin" : {
            "bytes" : 3,
            "sha256" : "039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81"
          }
        },
        "formatVersion" : 1,
        "inputKeys" : [ "5b0a9c7e1d2f4a6b8c0d2e4f6a8b0c1d3e5f7a9b1c3d5e7f9a1b3c5d7e9f1a3b" ],
        "key" : "%s",
        "params" : {
          "model" : { "hidden" : [ 256, 128 ], "activation" : "DRELU" },
          "training" : { "learningRate" : 0.001, "maxEpochs" : 8 }
        },
        "provenance" : {
          "code_version" : "cde4664",
          "created" : "2024-05-01T12:00:00Z",
          "java" : "17.0.10",
          "os" : "Linux amd64"
        },
        "stage" : "train",
        "stageVersion" : 1,
        "summary" : {
          "epochs" : "8",
          "val_accuracy" : "0.9712"
        }
      }
      """;

  @Test
  void formatVersion1ManifestStillLoads() throws IOException {
    assertEquals(Sha256.of(new byte[] {1, 2, 3}),
        "039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81", "the golden file hash");
    LocalArtifactStore store = new LocalArtifactStore(root);
    Path dir = store.folder(STAGE, KEY);
    Files.createDirectories(dir);
    Files.write(dir.resolve("model.bin"), new byte[] {1, 2, 3});
    Files.writeString(dir.resolve(ArtifactStore.MANIFEST), MANIFEST_V1.formatted(KEY));

    ArtifactStore.Hit hit = assertInstanceOf(ArtifactStore.Hit.class, store.lookup(STAGE, KEY));
    Manifest m = hit.manifest();
    assertEquals(1, m.formatVersion());
    assertEquals("train", m.stage());
    assertEquals(1, m.stageVersion());
    assertEquals(KEY, m.key());
    assertEquals(Map.of("epochs", "8", "val_accuracy", "0.9712"), hit.ref().summary());
    assertEquals("cde4664", m.provenance().get("code_version"));
    assertEquals(List.of(256, 128), ((Map<?, ?>) m.params().get("model")).get("hidden"));
    assertEquals(1, m.inputKeys().size());
    assertEquals(new Manifest.FileEntry("039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81", 3),
        m.files().get("model.bin"));
  }

  @Test
  void manifestWithoutOptionalSectionsLoadsWithEmptyDefaults() throws IOException {
    LocalArtifactStore store = new LocalArtifactStore(root);
    Path dir = store.folder(STAGE, KEY);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(ArtifactStore.MANIFEST),
        "{\"formatVersion\": 1, \"stage\": \"train\", \"stageVersion\": 1, \"key\": \"" + KEY + "\"}");
    ArtifactStore.Hit hit = assertInstanceOf(ArtifactStore.Hit.class, store.lookup(STAGE, KEY));
    assertEquals(Map.of(), hit.manifest().summary());
    assertEquals(List.of(), hit.manifest().inputKeys());
    assertEquals(Map.of(), hit.manifest().files());
  }

  @Test
  void writtenManifestUsesTheVersion1FieldNames() throws IOException {
    LocalArtifactStore store = new LocalArtifactStore(root);
    Path dir = Path.of(commit(store, KEY, Map.of("model.bin", new byte[] {1, 2, 3}), Map.of("a", "b")).location());
    String json = Files.readString(dir.resolve(ArtifactStore.MANIFEST));
    for (String field : List.of("\"files\"", "\"formatVersion\" : 1", "\"inputKeys\"", "\"key\"", "\"params\"",
        "\"provenance\"", "\"stage\" : \"train\"", "\"stageVersion\" : 3", "\"summary\"", "\"bytes\" : 3",
        "\"sha256\" : \"039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81\"")) {
      assertTrue(json.contains(field), field + " missing from\n" + json);
    }
  }

  // ---------------------------------------------------------------- cache keys

  @Test
  void cacheKeyIsStableAndIgnoresMapAndInputOrder() {
    Map<String, Object> ab = new LinkedHashMap<>();
    ab.put("a", 1);
    ab.put("b", Map.of("x", 1.5, "y", List.of(1, 2)));
    Map<String, Object> ba = new LinkedHashMap<>();
    ba.put("b", new LinkedHashMap<>(Map.of("y", List.of(1, 2), "x", 1.5)));
    ba.put("a", 1);

    String key = CacheKey.of("attack", 1, ab, List.of("k1", "k2"));
    assertEquals(64, key.length());
    assertTrue(key.matches("[0-9a-f]{64}"), key);
    assertEquals(key, CacheKey.of("attack", 1, ab, List.of("k1", "k2")));
    assertEquals(key, CacheKey.of("attack", 1, ba, List.of("k1", "k2")));
    assertEquals(key, CacheKey.of("attack", 1, ab, List.of("k2", "k1")));
    // pinned: the key of a given content must never drift between versions of drelu
    assertEquals(Sha256.of("{\"inputs\":[\"k1\",\"k2\"],\"params\":{\"a\":1,\"b\":{\"x\":1.5,\"y\":[1,2]}},"
        + "\"stage\":\"attack\",\"version\":1}"), key);
  }

  @Test
  void cacheKeyChangesWithStageVersionParamsAndInputs() {
    Map<String, Object> params = Map.of("eps", 0.1, "steps", 20, "name", "pgd", "nested", Map.of("seed", 1));
    String key = CacheKey.of("attack", 1, params, List.of("k1", "k2"));

    assertNotEquals(key, CacheKey.of("train", 1, params, List.of("k1", "k2")), "stage");
    assertNotEquals(key, CacheKey.of("attack", 2, params, List.of("k1", "k2")), "version");
    assertNotEquals(key, CacheKey.of("attack", 1, with(params, "eps", 0.2), List.of("k1", "k2")), "eps");
    assertNotEquals(key, CacheKey.of("attack", 1, with(params, "steps", 21), List.of("k1", "k2")), "steps");
    assertNotEquals(key, CacheKey.of("attack", 1, with(params, "name", "pgd2"), List.of("k1", "k2")), "name");
    assertNotEquals(key, CacheKey.of("attack", 1, with(params, "nested", Map.of("seed", 2)), List.of("k1", "k2")),
        "nested value");
    assertNotEquals(key, CacheKey.of("attack", 1, with(params, "extra", true), List.of("k1", "k2")), "new param");
    assertNotEquals(key, CacheKey.of("attack", 1, params, List.of("k1", "k3")), "input key");
    assertNotEquals(key, CacheKey.of("attack", 1, params, List.of("k1")), "input removed");
    assertNotEquals(key, CacheKey.of("attack", 1, params, List.of("k1", "k2", "k2")), "input repeated");
  }

  @Test
  void shortFormIsAPrefix() {
    assertEquals(KEY.substring(0, 12), CacheKey.shortForm(KEY));
    assertEquals("abc", CacheKey.shortForm("abc"));
  }

  // ---------------------------------------------------------------- helpers

  private ArtifactRef commit(ArtifactStore store, String key, Map<String, byte[]> files, Map<String, String> summary)
      throws IOException {
    ArtifactStore.Staging s = store.begin(STAGE, key);
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      Files.createDirectories(s.file(f.getKey()).getParent());
      Files.write(s.file(f.getKey()), f.getValue());
    }
    return store.commit(s, 3, Map.of("lr", 0.001, "layers", List.of(8, 4)), List.of("k-data", "k-other"), summary);
  }

  private static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
    Map<String, Object> m = new LinkedHashMap<>(base);
    m.put(key, value);
    return m;
  }

  /** @return what is left inside {@code <root>/<name>}, if that folder exists */
  private List<Path> leftovers(String name) throws IOException {
    Path d = root.resolve(name);
    if (!Files.isDirectory(d)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(d)) {
      return s.toList();
    }
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    }
  }

  private static String sha256(byte[] bytes) {
    return Sha256.of(bytes);
  }

  private static void assertArrayEquals(byte[] expected, byte[] actual) {
    org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual);
  }

  @Test
  void garbageCollectionRemovesOnlyWhatNoRunReads(@org.junit.jupiter.api.io.TempDir Path root) throws Exception {
    LocalArtifactStore store = new LocalArtifactStore(root);
    ArtifactStore.Staging committed = store.begin("train", "k1");
    java.nio.file.Files.writeString(committed.dir().resolve("model.params"), "weights");
    store.commit(committed, 1, java.util.Map.of(), java.util.List.of(), java.util.Map.of());
    ArtifactStore.Staging abandoned = store.begin("train", "k2"); // as a killed run leaves it
    java.nio.file.Files.createDirectories(store.workDir("train", "k1").resolve("checkpoint")); // stale
    java.nio.file.Files.createDirectories(store.workDir("train", "k3").resolve("checkpoint")); // a run to resume
    java.util.List<String> removed = store.collectGarbage();
    assertTrue(removed.contains(abandoned.dir().toString()), removed.toString());
    assertTrue(removed.contains(store.workDir("train", "k1").toString()), removed.toString());
    assertFalse(java.nio.file.Files.exists(abandoned.dir()));
    assertFalse(java.nio.file.Files.exists(store.workDir("train", "k1")));
    assertTrue(java.nio.file.Files.exists(store.workDir("train", "k3")), "an unfinished training keeps its checkpoint");
    assertTrue(store.find("train", "k1").isPresent(), "committed artifacts stay");
  }
}
