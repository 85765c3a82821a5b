package dev.drelu.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drelu.testing.LocalPorts;
import dev.drelu.testing.S3ProxyServer;
import dev.drelu.testing.Slow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * The store contract on a real S3-compatible server (s3proxy), plus what only a remote store has:
 * an interrupted commit is never visible, replaced generations are collected, and a location that
 * cannot be used fails before any work with a line saying what to check.
 */
@Slow
class S3StoreContractTest extends StoreContractTest {
  static final String BUCKET = "drelu-contract";
  static S3ProxyServer server;
  static S3Client s3;

  @TempDir Path machines;
  private final String prefix = "p-" + UUID.randomUUID();

  @BeforeAll
  static void startServer(@TempDir Path dir) throws Exception {
    server = S3ProxyServer.start(dir);
    s3 = server.client();
  }

  @AfterAll
  static void stopServer() {
    if (s3 != null) {
      s3.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private S3ArtifactStore onMachine(String name) {
    S3Location loc = S3Location.parse(server.location(BUCKET, prefix));
    Path m = machines.resolve(name);
    return S3ArtifactStore.open(loc, m.resolve("local"), new S3FileCache(m.resolve("cache")));
  }

  @Override
  ArtifactStore store() {
    return onMachine("a");
  }

  @Override
  ArtifactStore storeOnAnotherMachine() {
    return onMachine("b-" + UUID.randomUUID());
  }

  /** @return the object key of a committed file (in the generation its manifest names) */
  private String objectKey(String stage, String key, String file) throws Exception {
    Manifest m = ((ArtifactStore.Hit) onMachine("probe-" + UUID.randomUUID()).lookup(stage, key)).manifest();
    return prefix + "/" + stage + "/" + key + "/" + m.provenance().get(S3ArtifactStore.GENERATION) + "/" + file;
  }

  @Override
  void overwrite(String stage, String key, String file, byte[] bytes) throws Exception {
    s3.putObject(PutObjectRequest.builder().bucket(BUCKET).key(objectKey(stage, key, file)).build(),
        RequestBody.fromBytes(bytes));
  }

  @Override
  void delete(String stage, String key, String file) throws Exception {
    s3.deleteObject(DeleteObjectRequest.builder().bucket(BUCKET).key(objectKey(stage, key, file)).build());
  }

  private List<String> objects() {
    return s3.listObjectsV2(ListObjectsV2Request.builder().bucket(BUCKET).prefix(prefix + "/").build())
        .contents().stream().map(o -> o.key().substring(prefix.length() + 1)).sorted().toList();
  }

  @Test
  void theLayoutIsManifestBesideOneGenerationOfFilesAndItsSeal() throws Exception {
    ArtifactStore store = store();
    commit(store, KEY, Map.of("model.bin", WEIGHTS));
    String g = ((ArtifactStore.Hit) store.lookup(STAGE, KEY)).manifest().provenance().get(S3ArtifactStore.GENERATION);
    String dir = STAGE + "/" + KEY + "/";
    assertEquals(List.of(dir + g + "/manifest.sha256", dir + g + "/model.bin", dir + "manifest.json"), objects());
  }

  @Test
  void filesOfACommitInterruptedBeforeItsManifestAreNeverVisibleAndGcRemovesThem() throws Exception {
    ArtifactStore store = store();
    // what a worker killed between uploads leaves: a generation's files, no manifest
    String half = prefix + "/" + STAGE + "/" + KEY + "/g-killed/model.bin";
    s3.putObject(PutObjectRequest.builder().bucket(BUCKET).key(half).build(), RequestBody.fromBytes(WEIGHTS));
    assertInstanceOf(ArtifactStore.Miss.class, store.lookup(STAGE, KEY));
    assertThrows(java.nio.file.NoSuchFileException.class, () -> store.open(STAGE, KEY));
    assertEquals(List.of(), store.list());
    ArtifactStore.Corrupt c = assertInstanceOf(ArtifactStore.Corrupt.class, store.checkAll().get(0).result());
    assertTrue(c.reason().contains("interrupted commit"), c.reason());
    // the same over a committed artifact: the reader keeps seeing the complete old one
    commit(store, KEY, Map.of("model.bin", WEIGHTS));
    s3.putObject(PutObjectRequest.builder().bucket(BUCKET).key(prefix + "/" + STAGE + "/" + KEY + "/g-killed2/model.bin")
        .build(), RequestBody.fromBytes(new byte[] {9}));
    ArtifactStore.Hit hit = assertInstanceOf(ArtifactStore.Hit.class, storeOnAnotherMachine().lookup(STAGE, KEY));
    assertEquals(5, hit.manifest().files().get("model.bin").bytes());
    List<String> removed = store.collectGarbage();
    assertTrue(removed.stream().anyMatch(r -> r.endsWith("g-killed/model.bin")), removed.toString());
    assertTrue(removed.stream().anyMatch(r -> r.endsWith("g-killed2/model.bin")), removed.toString());
    assertEquals(3, objects().size(), objects().toString());
    assertInstanceOf(ArtifactStore.Hit.class, storeOnAnotherMachine().lookup(STAGE, KEY));
  }

  @Test
  void aCommitKilledWhileUploadingIsAMissAndGcRemovesWhatItUploaded() throws Exception {
    String location = server.location(BUCKET, prefix);
    Path m = machines.resolve("killed");
    Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-Daws.accessKeyId=" + S3ProxyServer.ACCESS_KEY, "-Daws.secretAccessKey=" + S3ProxyServer.SECRET_KEY,
        "-cp", System.getProperty("java.class.path"), S3CommitMain.class.getName(), location,
        m.resolve("local").toString(), m.resolve("cache").toString(), "2000"))
        .redirectErrorStream(true).redirectOutput(machines.resolve("child.log").toFile()).start();
    try {
      // wait until some of its files are up, then kill it mid-upload
      java.time.Instant end = java.time.Instant.now().plusSeconds(60);
      while (objects().size() < 20 && p.isAlive() && java.time.Instant.now().isBefore(end)) {
        Thread.sleep(20);
      }
      p.destroyForcibly().waitFor();
    } finally {
      p.destroyForcibly();
    }
    List<String> left = objects();
    assertTrue(left.size() >= 20 && left.stream().noneMatch(o -> o.endsWith("manifest.json")),
        "killed between uploads, before its manifest: " + left.size() + " objects, "
            + Files.readString(machines.resolve("child.log")));
    ArtifactStore store = store();
    assertInstanceOf(ArtifactStore.Miss.class, store.lookup(STAGE, KEY));
    assertInstanceOf(ArtifactStore.Corrupt.class, store.checkAll().get(0).result());
    store.collectGarbage();
    assertEquals(List.of(), objects());
    assertEquals(List.of(), store.checkAll());
  }

  @Test
  void gcRemovesReplacedGenerationsAndMirroredCheckpointsOfCommittedModels() throws Exception {
    ArtifactStore store = store();
    commit(store, KEY, Map.of("model.bin", WEIGHTS));
    commit(store, KEY, Map.of("model.bin", new byte[] {7}));
    assertEquals(5, objects().size(), "both generations until gc: " + objects());
    s3.putObject(PutObjectRequest.builder().bucket(BUCKET).key(prefix + "/.work/" + STAGE + "/" + KEY + "/LATEST")
        .build(), RequestBody.fromString("x"));
    store.collectGarbage();
    assertEquals(3, objects().size(), objects().toString());
    assertTrue(objects().stream().noneMatch(o -> o.startsWith(".work/")), objects().toString());
  }

  @Test
  void aTamperedManifestIsCorruptAndADeletedOneIsAMiss() throws Exception {
    ArtifactStore store = store();
    commit(store, KEY, Map.of("model.bin", WEIGHTS));
    String manifestKey = prefix + "/" + STAGE + "/" + KEY + "/manifest.json";
    String text = new String(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(manifestKey)).asByteArray(),
        java.nio.charset.StandardCharsets.UTF_8);
    s3.putObject(PutObjectRequest.builder().bucket(BUCKET).key(manifestKey).build(),
        RequestBody.fromString(text.replace("0.97", "0.99")));
    ArtifactStore.Corrupt c = assertInstanceOf(ArtifactStore.Corrupt.class, store.lookup(STAGE, KEY));
    assertTrue(c.reason().contains("manifest changed after its commit"), c.reason());
    s3.deleteObject(DeleteObjectRequest.builder().bucket(BUCKET).key(manifestKey).build());
    assertInstanceOf(ArtifactStore.Miss.class, store.lookup(STAGE, KEY));
  }

  @Test
  void theCacheHoldsEachFileOnceByItsSha256AndKeepsNoTemporaryFiles() throws Exception {
    S3ArtifactStore writer = onMachine("w");
    commit(writer, KEY, Map.of("model.bin", WEIGHTS));
    Path cache = machines.resolve("r").resolve("cache");
    S3ArtifactStore reader = onMachine("r");
    Path f = reader.open(STAGE, KEY).file("model.bin");
    assertEquals(cache.resolve(dev.drelu.core.Sha256.of(WEIGHTS).substring(0, 2)), f.getParent().getParent());
    try (var s = Files.list(cache.resolve("tmp"))) {
      assertEquals(0, s.count());
    }
  }

  @Test
  void processesSharingOneCacheDownloadTheSameFileAtOnceWithoutCorruptingIt() throws Exception {
    byte[] big = new byte[3 << 20];
    new java.util.Random(5).nextBytes(big);
    commit(onMachine("w"), KEY, Map.of("model.bin", big));
    Path shared = machines.resolve("shared-cache");
    int readers = 4;
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(readers);
    try {
      List<java.util.concurrent.Future<Path>> got = new java.util.ArrayList<>();
      for (int i = 0; i < readers; i++) {
        // each its own store and cache object on one folder, as separate JVMs would have
        S3ArtifactStore r = S3ArtifactStore.open(S3Location.parse(server.location(BUCKET, prefix)),
            machines.resolve("reader-" + i), new S3FileCache(shared));
        got.add(pool.submit(() -> r.open(STAGE, KEY).file("model.bin")));
      }
      for (java.util.concurrent.Future<Path> f : got) {
        assertEquals(dev.drelu.core.Sha256.of(big), dev.drelu.core.Sha256.of(f.get()));
      }
    } finally {
      pool.shutdownNow();
    }
    try (var s = Files.list(shared.resolve("tmp"))) {
      assertEquals(0, s.count(), "no temporary file is left");
    }
  }

  // ---------------------------------------------------------------- bad input, before any work

  private static String message(String location) {
    return assertThrows(IllegalArgumentException.class, () -> ArtifactStore.open(location)).getMessage();
  }

  @Test
  void aMissingBucketSaysSo() {
    String m = message("s3://no-such-bucket/x?endpoint=" + server.endpoint() + "&path-style=true");
    assertTrue(m.contains("bucket 'no-such-bucket' does not exist"), m);
    assertEquals(1, m.lines().count());
  }

  @Test
  void wrongCredentialsSaySo() {
    String loc = server.location(BUCKET, prefix);
    String saved = System.getProperty("aws.secretAccessKey");
    System.setProperty("aws.secretAccessKey", "wrong");
    try {
      String m = message(loc);
      assertTrue(m.contains("access denied") && m.contains("AWS_SECRET_ACCESS_KEY"), m);
      assertEquals(1, m.lines().count());
    } finally {
      System.setProperty("aws.secretAccessKey", saved);
    }
  }

  @Test
  void anUnreachableEndpointSaysSoQuickly() throws Exception {
    String m = message("s3://" + BUCKET + "/x?endpoint=http://127.0.0.1:" + LocalPorts.free() + "&path-style=true");
    assertTrue(m.contains("cannot reach the endpoint") && m.contains("--s3-endpoint"), m);
    assertEquals(1, m.lines().count());
  }
}
