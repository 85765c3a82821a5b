package dev.drelu.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ArtifactStore} guarantees, run against each implementation on a real backend
 * (a folder, an S3 server): commit and look-up, corruption found after tampering, replacement,
 * verify and garbage collection. A subclass says how to reach and damage its stored files.
 */
abstract class StoreContractTest {
  static final String STAGE = "train";
  static final String KEY = CacheKey.of(STAGE, 1, Map.of("lr", 0.001), List.of("k-data"));
  static final byte[] WEIGHTS = {1, 2, 3, 4, 5};
  static final byte[] LOG = "epoch 1\n".getBytes(StandardCharsets.UTF_8);

  /** @return the store under test (a fresh, empty one per test) */
  abstract ArtifactStore store() throws Exception;

  /** @return the same store as another machine would open it: no shared local state */
  abstract ArtifactStore storeOnAnotherMachine() throws Exception;

  /** Replaces a committed file's bytes behind the store's back. */
  abstract void overwrite(String stage, String key, String file, byte[] bytes) throws Exception;

  /** Deletes a committed file behind the store's back. */
  abstract void delete(String stage, String key, String file) throws Exception;

  static ArtifactRef commit(ArtifactStore store, String key, Map<String, byte[]> files) throws IOException {
    ArtifactStore.Staging s = store.begin(STAGE, key);
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      Files.createDirectories(s.file(f.getKey()).getParent());
      Files.write(s.file(f.getKey()), f.getValue());
    }
    return store.commit(s, 3, Map.of("lr", 0.001), List.of("k-data"), Map.of("accuracy", "0.97"));
  }

  @Test
  void aCommitIsAHitWhoseFilesReadBackOnEveryMachine() throws Exception {
    ArtifactStore store = store();
    assertInstanceOf(ArtifactStore.Miss.class, store.lookup(STAGE, KEY));
    commit(store, KEY, Map.of("model.bin", WEIGHTS, "logs/log.txt", LOG));
    for (ArtifactStore s : List.of(store, storeOnAnotherMachine())) {
      ArtifactStore.Hit hit = assertInstanceOf(ArtifactStore.Hit.class, s.lookup(STAGE, KEY));
      assertEquals(Map.of("accuracy", "0.97"), hit.ref().summary());
      assertEquals(Map.of("model.bin", new Manifest.FileEntry(dev.drelu.core.Sha256.of(WEIGHTS), 5),
          "logs/log.txt", new Manifest.FileEntry(dev.drelu.core.Sha256.of(LOG), LOG.length)), hit.manifest().files());
      Artifact a = s.open(STAGE, KEY);
      assertArrayEquals(WEIGHTS, Files.readAllBytes(a.file("model.bin")));
      assertArrayEquals(LOG, Files.readAllBytes(a.file("logs/log.txt")));
      assertEquals("log.txt", a.file("logs/log.txt").getFileName().toString(), "a file keeps its name");
    }
  }

  @Test
  void anAbandonedCommitLeavesAMiss() throws Exception {
    ArtifactStore store = store();
    ArtifactStore.Staging s = store.begin(STAGE, KEY);
    Files.write(s.file("model.bin"), WEIGHTS);
    store.abandon(s);
    assertInstanceOf(ArtifactStore.Miss.class, store.lookup(STAGE, KEY));
    assertEquals(List.of(), store.checkAll());
  }

  @Test
  void oneChangedByteIsCorruptOnEveryMachineAndVerifyReportsIt() throws Exception {
    ArtifactStore store = store();
    commit(store, KEY, Map.of("model.bin", WEIGHTS, "log.txt", LOG));
    assertInstanceOf(ArtifactStore.Hit.class, store.lookup(STAGE, KEY));
    overwrite(STAGE, KEY, "model.bin", new byte[] {1, 2, 9, 4, 5});
    for (ArtifactStore s : List.of(store, storeOnAnotherMachine())) {
      ArtifactStore.Corrupt c = assertInstanceOf(ArtifactStore.Corrupt.class, s.lookup(STAGE, KEY));
      assertTrue(c.reason().contains("model.bin") && c.reason().contains("sha256"), c.reason());
    }
    List<ArtifactStore.Checked> checked = store.checkAll();
    assertEquals(1, checked.size());
    assertInstanceOf(ArtifactStore.Corrupt.class, checked.get(0).result());
  }

  @Test
  void aDeletedFileIsCorruptAndNamed() throws Exception {
    ArtifactStore store = store();
    commit(store, KEY, Map.of("model.bin", WEIGHTS, "log.txt", LOG));
    delete(STAGE, KEY, "log.txt");
    ArtifactStore.Corrupt c = assertInstanceOf(ArtifactStore.Corrupt.class, storeOnAnotherMachine().lookup(STAGE, KEY));
    assertTrue(c.reason().contains("log.txt") && c.reason().contains("missing"), c.reason());
  }

  @Test
  void committingAgainReplacesTheArtifactWholeAndGcKeepsIt() throws Exception {
    ArtifactStore store = store();
    commit(store, KEY, Map.of("model.bin", WEIGHTS, "old.txt", LOG));
    Artifact before = store.open(STAGE, KEY);
    commit(store, KEY, Map.of("model.bin", new byte[] {7, 7}));
    store.collectGarbage();
    for (ArtifactStore s : List.of(store, storeOnAnotherMachine())) {
      ArtifactStore.Hit hit = assertInstanceOf(ArtifactStore.Hit.class, s.lookup(STAGE, KEY));
      assertEquals(List.of("model.bin"), List.copyOf(hit.manifest().files().keySet()), "no file of the old commit");
      assertArrayEquals(new byte[] {7, 7}, Files.readAllBytes(s.open(STAGE, KEY).file("model.bin")));
    }
    assertEquals(List.of("model.bin", "old.txt"), before.names(), "an artifact opened before keeps its manifest");
    List<ArtifactStore.Checked> checked = store.checkAll();
    assertEquals(1, checked.size());
    assertInstanceOf(ArtifactStore.Hit.class, checked.get(0).result());
    assertEquals(1, store.list().size());
  }
}
