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
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Remembered hashes: an unchanged file is not read again (counted through the hasher hook), a
 * changed one is, the records outlive the store object, a damaged record is never trusted, and
 * {@code cache verify} reads every file whatever is remembered.
 */
class VerifiedHashesTest {
  private static final String STAGE = "train";
  private static final String KEY = CacheKey.of(STAGE, 1, Map.of("lr", 0.001), List.of("k-data"));

  /**
   * A clock an hour ahead: files written by the test count as long settled, so their hashes are
   * remembered at once instead of after {@link VerifiedHashes#SETTLED}.
   */
  private static final Clock LATER = Clock.offset(Clock.systemUTC(), Duration.ofHours(1));

  @TempDir Path root;

  private final AtomicInteger reads = new AtomicInteger();

  private LocalArtifactStore store(Clock clock) {
    return new LocalArtifactStore(root, new VerifiedHashes(root.resolve(".hashes"), f -> {
      reads.incrementAndGet();
      return Sha256.of(f);
    }, clock));
  }

  @Test
  void anUnchangedFileIsNotReadAgainAndItsHashIsTheManifests() throws IOException {
    LocalArtifactStore store = store(LATER);
    commit(store, Map.of("model.bin", new byte[] {1, 2, 3}, "log.txt", new byte[] {4}));

    assertInstanceOf(ArtifactStore.Hit.class, store.lookup(STAGE, KEY));
    assertEquals(2, reads.get(), "the first look-up reads both files");
    assertInstanceOf(ArtifactStore.Hit.class, store.lookup(STAGE, KEY));
    assertInstanceOf(ArtifactStore.Hit.class, store.lookup(STAGE, KEY));
    assertEquals(2, reads.get(), "later look-ups trust the remembered hashes");
  }

  @Test
  void aFileChangedJustBeforeItWasReadIsNotRemembered() throws IOException {
    LocalArtifactStore store = store(Clock.systemUTC()); // the files were written a moment ago
    commit(store, Map.of("model.bin", new byte[] {1, 2, 3}));

    assertInstanceOf(ArtifactStore.Hit.class, store.lookup(STAGE, KEY));
    assertInstanceOf(ArtifactStore.Hit.class, store.lookup(STAGE, KEY));
    assertEquals(2, reads.get(), "a second write in the same timestamp tick would keep the stamp: read each time");
    assertFalse(Files.exists(root.resolve(".hashes/artifacts").resolve(STAGE).resolve(KEY + ".json")),
        "nothing worth remembering, nothing written");
  }

  @Test
  void theRecordsOutliveTheStoreObject() throws IOException {
    commit(store(LATER), Map.of("model.bin", new byte[] {1, 2, 3}));
    assertInstanceOf(ArtifactStore.Hit.class, store(LATER).lookup(STAGE, KEY));
    assertEquals(1, reads.get());

    // a later process: a new store and a new hasher on the same folder
    AtomicInteger laterReads = new AtomicInteger();
    LocalArtifactStore again = new LocalArtifactStore(root, new VerifiedHashes(root.resolve(".hashes"), f -> {
      laterReads.incrementAndGet();
      return Sha256.of(f);
    }, LATER));
    assertInstanceOf(ArtifactStore.Hit.class, again.lookup(STAGE, KEY));
    assertEquals(0, laterReads.get(), "read from .hashes, not from the file");
  }

  @Test
  void aByteFlippedUnderTheSameSizeAndMtimeIsReadAgainAndIsCorrupt() throws Exception {
    LocalArtifactStore store = store(LATER);
    commit(store, Map.of("model.bin", new byte[] {1, 2, 3}));
    assertInstanceOf(ArtifactStore.Hit.class, store.lookup(STAGE, KEY));
    Path file = store.folder(STAGE, KEY).resolve("model.bin");
    FileStamp remembered = FileStamp.of(file);

    flipKeepingSizeAndMtime(file, remembered);
    FileStamp now = FileStamp.of(file);
    assertEquals(remembered.size(), now.size());
    assertEquals(remembered.modifiedNanos(), now.modifiedNanos(), "the mtime was put back");

    ArtifactStore.Corrupt c = assertInstanceOf(ArtifactStore.Corrupt.class, store.lookup(STAGE, KEY));
    assertTrue(c.reason().startsWith(file + ": expected sha256 "), c.reason());
    assertEquals(2, reads.get(), "the ctime changed, so the file was read again");
  }

  @Test
  void aChangedSizeOrInodeIsReadAgain() throws IOException {
    LocalArtifactStore store = store(LATER);
    commit(store, Map.of("model.bin", new byte[] {1, 2, 3}));
    assertInstanceOf(ArtifactStore.Hit.class, store.lookup(STAGE, KEY));
    Path file = store.folder(STAGE, KEY).resolve("model.bin");

    // the same content in a new file (a copy renamed over it): a new inode, so read again
    Path copy = Files.write(file.resolveSibling("copy"), new byte[] {1, 2, 3});
    Files.setLastModifiedTime(copy, Files.getLastModifiedTime(file));
    Files.move(copy, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertInstanceOf(ArtifactStore.Hit.class, store.lookup(STAGE, KEY));
    assertEquals(2, reads.get());

    Files.write(file, new byte[] {1, 2, 3, 4});
    ArtifactStore.Corrupt c = assertInstanceOf(ArtifactStore.Corrupt.class, store.lookup(STAGE, KEY));
    assertEquals(file + ": expected 3 bytes, got 4", c.reason());
  }

  @Test
  void lookupTrustsARecordWithTheFilesStampButCacheVerifyReadsEveryFile() throws IOException {
    LocalArtifactStore store = store(LATER);
    commit(store, Map.of("model.bin", new byte[] {1, 2, 3}));
    Path file = store.folder(STAGE, KEY).resolve("model.bin");
    // What a write that keeps size, mtime and ctime would leave (possible where there is no
    // ctime, such as Windows): different content under the stamp of a remembered hash.
    Files.write(file, new byte[] {9, 9, 9});
    writeRecord(Map.of("model.bin", new HashRecords.FileHash(Sha256.of(new byte[] {1, 2, 3}), FileStamp.of(file))));

    assertInstanceOf(ArtifactStore.Hit.class, store.lookup(STAGE, KEY), "a look-up trusts the stamp");
    assertEquals(0, reads.get());

    List<ArtifactStore.Checked> all = store.checkAll();
    assertEquals(1, all.size());
    ArtifactStore.Corrupt c = assertInstanceOf(ArtifactStore.Corrupt.class, all.get(0).result());
    assertTrue(c.reason().startsWith(file + ": expected sha256 "), c.reason());
    assertEquals(1, reads.get(), "verify read the file");
    // and what verify read replaced the record: look-ups see the corruption from now on
    assertInstanceOf(ArtifactStore.Corrupt.class, store.lookup(STAGE, KEY));
  }

  @Test
  void aDamagedRecordIsIgnoredAndTheFilesAreRead() throws IOException {
    LocalArtifactStore store = store(LATER);
    commit(store, Map.of("model.bin", new byte[] {1, 2, 3}));
    assertInstanceOf(ArtifactStore.Hit.class, store.lookup(STAGE, KEY));
    Path record = record();
    String good = Files.readString(record);

    // one character of the remembered stamp changed: valid JSON, but its checksum fails
    Files.writeString(record, good.replace("\"size\":3", "\"size\":4"));
    assertNotEquals(good, Files.readString(record));
    assertInstanceOf(ArtifactStore.Hit.class, store.lookup(STAGE, KEY));
    assertEquals(2, reads.get(), "read again");
    assertEquals(good, Files.readString(record), "and remembered again");

    Files.write(record, java.util.Arrays.copyOf(good.getBytes(StandardCharsets.UTF_8), good.length() / 2));
    assertInstanceOf(ArtifactStore.Hit.class, store.lookup(STAGE, KEY));
    assertEquals(3, reads.get(), "a truncated record is ignored");
  }

  @Test
  void aRecordThatDisagreesWithTheManifestIsCheckedByReadingNotBelieved() throws IOException {
    LocalArtifactStore store = store(LATER);
    commit(store, Map.of("model.bin", new byte[] {1, 2, 3}));
    Path file = store.folder(STAGE, KEY).resolve("model.bin");
    // a well-formed record with the file's stamp but another hash: the file is intact
    writeRecord(Map.of("model.bin", new HashRecords.FileHash(Sha256.of("something else"), FileStamp.of(file))));

    assertInstanceOf(ArtifactStore.Hit.class, store.lookup(STAGE, KEY), "a record never makes an artifact corrupt");
    assertEquals(1, reads.get());
  }

  @Test
  void aReplacedArtifactForgetsItsRecordAndGcRemovesRecordsOfGoneArtifacts() throws IOException {
    LocalArtifactStore store = store(LATER);
    commit(store, Map.of("model.bin", new byte[] {1, 2, 3}));
    assertInstanceOf(ArtifactStore.Hit.class, store.lookup(STAGE, KEY));
    assertTrue(Files.isRegularFile(record()));
    commit(store, Map.of("model.bin", new byte[] {4, 5, 6}));
    assertFalse(Files.exists(record()), "a commit drops what described the copy it replaced");

    assertInstanceOf(ArtifactStore.Hit.class, store.lookup(STAGE, KEY));
    Path leftover = Files.writeString(record().resolveSibling("x.json.1-2.tmp"), "{");
    dev.drelu.core.FileTrees.deleteTree(store.folder(STAGE, KEY));
    List<String> removed = store.collectGarbage();
    assertTrue(removed.contains(record().toString()) && removed.contains(leftover.toString()), removed.toString());
    assertFalse(Files.exists(record()));
  }

  @Test
  void aDigestOverFilesIsComputedOnceWhileTheyAreUnchanged() throws IOException {
    VerifiedHashes hashes = new VerifiedHashes(root.resolve(".hashes"), Sha256::of, LATER);
    Path a = Files.writeString(root.resolve("a"), "one");
    Path b = Files.writeString(root.resolve("b"), "two");
    AtomicInteger computed = new AtomicInteger();
    dev.drelu.core.DigestCache.Computation compute = () -> {
      computed.incrementAndGet();
      return Sha256.digest().update(a).update(b).hex();
    };

    String first = hashes.digest("r", List.of(a, b), compute);
    assertEquals(Sha256.of("onetwo"), first);
    assertEquals(first, new VerifiedHashes(root.resolve(".hashes"), Sha256::of, LATER).digest("r", List.of(a, b), compute));
    assertEquals(1, computed.get(), "remembered, also by a new instance");

    hashes.digest("another recipe", List.of(a, b), compute);
    hashes.digest("r", List.of(b, a), compute);
    assertEquals(3, computed.get(), "another recipe or order is another digest");

    Files.writeString(b, "three");
    assertEquals(Sha256.of("onethree"), hashes.digest("r", List.of(a, b), compute));
    assertEquals(4, computed.get(), "a changed file is read again");
  }

  // ---------------------------------------------------------------- helpers

  private void commit(ArtifactStore store, Map<String, byte[]> files) throws IOException {
    ArtifactStore.Staging s = store.begin(STAGE, KEY);
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      Files.write(s.dir().resolve(f.getKey()), f.getValue());
    }
    store.commit(s, 1, Map.of(), List.of(), Map.of());
  }

  private Path record() {
    return root.resolve(".hashes/artifacts").resolve(STAGE).resolve(KEY + ".json");
  }

  private void writeRecord(Map<String, HashRecords.FileHash> files) {
    HashRecords.write(record(), new HashRecords.ArtifactBody(files));
  }

  /**
   * Flips a byte and puts size and mtime back, as a careless tool or a disk error might. Waits
   * until the ctime has left the remembered one's timestamp tick, which the kernel sets on the
   * write and again on setting the mtime: a program cannot put it back.
   */
  private static void flipKeepingSizeAndMtime(Path file, FileStamp remembered) throws Exception {
    FileTime mtime = Files.getLastModifiedTime(file);
    byte[] b = Files.readAllBytes(file);
    b[1] ^= 0x01;
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    do {
      Thread.sleep(10);
      Files.write(file, b);
      Files.setLastModifiedTime(file, mtime);
    } while (FileStamp.of(file).changedNanos() == remembered.changedNanos() && System.nanoTime() < deadline);
    assertNotEquals(remembered.changedNanos(), FileStamp.of(file).changedNanos(), "the ctime moved on");
  }
}
