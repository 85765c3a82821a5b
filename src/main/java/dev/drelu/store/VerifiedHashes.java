package dev.drelu.store;

import dev.drelu.core.DigestCache;
import dev.drelu.core.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.stream.Stream;

/**
 * The sha256 of files drelu has already read, remembered with each file's {@link FileStamp}
 * (size, mtime, ctime, device and inode), so that a look-up of an unchanged artifact, or the
 * fingerprint of an unchanged dataset, does not read the files again, in this process or a later
 * one.
 *
 * <p>Records live beside the artifacts, in {@code <store>/.hashes/}: {@code artifacts/<stage>/<key>.json}
 * (one per artifact, by the file's path in its folder) and {@code digests/<sha256 of recipe and
 * paths>.json} (one per dataset fingerprint). They are not inside the artifact folders, which
 * stay exactly what the commit wrote; deleting {@code .hashes} only costs one re-read.
 *
 * <p>What is trusted: a remembered hash is used only if the file's stamp is exactly the one it
 * had when it was read, and a record is written only for files that had not changed for
 * {@link #SETTLED} before they were read. A file whose size, mtime, ctime or inode changed is
 * read again. A write that keeps all four unchanged is not seen (possible only on a platform
 * without ctime, such as Windows, where setting the mtime back after a same-size write hides it,
 * or with the system clock set back); {@code drelu cache verify} never trusts the records and
 * reads every file.
 */
public final class VerifiedHashes implements DigestCache {
  /**
   * How long a file must have been left alone before its hash is remembered: longer than any
   * file system's timestamp tick (2 s on FAT), so a later write cannot share the stamp read.
   */
  static final Duration SETTLED = Duration.ofSeconds(3);

  /** Reads a file's content; the real one is {@link Sha256#of(Path)}, tests count calls. */
  @FunctionalInterface
  interface Hasher {
    String sha256(Path file) throws IOException;
  }

  private final Path dir;
  private final Hasher hasher;
  private final Clock clock;

  /** @param dir the records' folder, {@code <store>/.hashes} */
  public VerifiedHashes(Path dir) {
    this(dir, Sha256::of, Clock.systemUTC());
  }

  VerifiedHashes(Path dir, Hasher hasher, Clock clock) {
    this.dir = dir;
    this.hasher = hasher;
    this.clock = clock;
  }

  /** @return the remembered hashes of one artifact's files, empty if none or damaged */
  Artifact artifact(String stage, String key) {
    Path file = artifactRecord(stage, key);
    Map<String, HashRecords.FileHash> known = HashRecords.read(file, HashRecords.ArtifactBody.class)
        .map(HashRecords.ArtifactBody::files).orElse(Map.of());
    return new Artifact(file, known);
  }

  /** Drops what is remembered about an artifact (it is being replaced). */
  void forget(String stage, String key) throws IOException {
    Files.deleteIfExists(artifactRecord(stage, key));
  }

  /** @return the record folder of artifacts, {@code artifacts/<stage>/<key>.json} below it */
  Path artifactRecords() {
    return dir.resolve("artifacts");
  }

  /**
   * Deletes the records of artifacts that no longer exist and temporary files of killed writers.
   *
   * @param exists whether the artifact of a stage and key is still stored
   * @return the files removed
   */
  List<Path> removeStale(BiPredicate<String, String> exists) throws IOException {
    List<Path> removed = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return removed;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path f : walk.filter(Files::isRegularFile).toList()) {
        boolean tmp = f.getFileName().toString().endsWith(".tmp");
        if (tmp || isRecordOfGoneArtifact(f, exists)) {
          Files.deleteIfExists(f);
          removed.add(f);
        }
      }
    }
    return removed;
  }

  /** @return whether {@code f} is {@code artifacts/<stage>/<key>.json} of an artifact that is gone */
  private boolean isRecordOfGoneArtifact(Path f, BiPredicate<String, String> exists) {
    if (!f.startsWith(artifactRecords())) {
      return false;
    }
    Path rel = artifactRecords().relativize(f);
    String name = f.getFileName().toString();
    if (rel.getNameCount() != 2 || !name.endsWith(".json")) {
      return false;
    }
    return !exists.test(rel.getName(0).toString(), name.substring(0, name.length() - ".json".length()));
  }

  private Path artifactRecord(String stage, String key) {
    return artifactRecords().resolve(stage).resolve(key + ".json");
  }

  /**
   * The hashes of one artifact's files: remembered ones are used while the file is unchanged,
   * others are read and remembered. Call {@link #save} after the last file.
   */
  final class Artifact {
    private final Path record;
    private final Map<String, HashRecords.FileHash> known;
    private final Map<String, HashRecords.FileHash> next = new HashMap<>();

    private Artifact(Path record, Map<String, HashRecords.FileHash> known) {
      this.record = record;
      this.known = known;
    }

    /**
     * @param name the file's path in the artifact folder
     * @param stamp the file's stamp, read just now
     * @param expected the manifest's sha256: a remembered hash that disagrees with it is not
     *     believed, the file is read, so a damaged record can never make an intact artifact corrupt
     * @return the file's sha256, remembered if its stamp is unchanged and it matches
     *     {@code expected}, else read now
     */
    String sha256(String name, Path file, FileStamp stamp, String expected) throws IOException {
      HashRecords.FileHash k = known.get(name);
      if (k != null && stamp.equals(k.stamp()) && k.sha256().equals(expected)) {
        next.put(name, k);
        return k.sha256();
      }
      return read(name, file, stamp);
    }

    /** @return the file's sha256, read now whatever is remembered, and remembered for later */
    String read(String name, Path file, FileStamp stamp) throws IOException {
      Instant started = clock.instant();
      String sha = hasher.sha256(file);
      // the stamp before and after the read must agree, and be older than the read by a safe margin
      if (stamp.equals(FileStamp.of(file)) && stamp.changedBefore(started.minus(SETTLED))) {
        next.put(name, new HashRecords.FileHash(sha, stamp));
      } else {
        next.remove(name);
      }
      return sha;
    }

    /**
     * Writes the record if it changed; it keeps only the files looked at in this pass (a file
     * read too soon after its last change, or found corrupt before the others, drops out).
     */
    void save() {
      if (!next.equals(known)) {
        HashRecords.write(record, new HashRecords.ArtifactBody(next));
      }
    }
  }

  @Override
  public String digest(String recipe, List<Path> files, Computation compute) throws IOException {
    List<String> paths = new ArrayList<>();
    List<FileStamp> stamps = new ArrayList<>();
    for (Path f : files) {
      paths.add(f.toAbsolutePath().normalize().toString());
      stamps.add(FileStamp.of(f));
    }
    Path record = dir.resolve("digests").resolve(Sha256.of(recipe + "\n" + String.join("\n", paths)) + ".json");
    HashRecords.DigestBody known = HashRecords.read(record, HashRecords.DigestBody.class).orElse(null);
    if (known != null && known.recipe().equals(recipe) && known.files().equals(paths)
        && known.stamps().equals(stamps)) {
      return known.sha256();
    }
    Instant started = clock.instant();
    String sha = compute.get();
    List<FileStamp> after = new ArrayList<>();
    for (Path f : files) {
      after.add(FileStamp.of(f));
    }
    if (after.equals(stamps) && stamps.stream().allMatch(s -> s.changedBefore(started.minus(SETTLED)))) {
      HashRecords.write(record, new HashRecords.DigestBody(recipe, paths, stamps, sha));
    }
    return sha;
  }
}
