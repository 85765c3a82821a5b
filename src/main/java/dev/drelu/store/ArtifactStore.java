package dev.drelu.store;

import dev.drelu.core.DigestCache;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where stage outputs live, by stage and cache key. A stage writes its files into a local
 * {@link Staging} folder and {@link #commit}s it, so readers only ever see complete artifacts; a
 * stage reads an earlier stage's artifact only through {@link #open}, which gives its files as
 * local paths by name. {@link LocalArtifactStore} keeps everything in one folder;
 * {@link S3ArtifactStore} uploads at commit and downloads into a local cache at {@link Artifact#file}.
 *
 * <p>Checkpoints ({@link #workDir}) and task locks ({@link #locks}) are local (or shared-file-system)
 * folders in every implementation; a remote store mirrors checkpoints ({@link #checkpointMirror})
 * so that a task restarted on another host resumes.
 */
public interface ArtifactStore {
  /** The manifest's file name inside every artifact. */
  String MANIFEST = "manifest.json";

  /**
   * The sha256 of {@code manifest.json}, written beside it by every commit: the manifest's summary
   * is read as results (the table's validation accuracy, say), so a change to it must show as
   * corruption like a change to any listed file. Artifacts committed before it existed have none
   * and still load.
   */
  String MANIFEST_SHA256 = "manifest.sha256";

  /**
   * The one place that picks an implementation for a store location, so adding one (issue #10:
   * {@code s3://}) changes nothing else.
   *
   * @param location a local folder (created if missing), or {@code s3://bucket/prefix?endpoint=..&region=..&path-style=..}
   *     ({@link S3Location}; the bucket must exist and be reachable, which is checked here)
   * @throws IllegalArgumentException if the location is mistyped or the S3 store cannot be reached
   */
  static ArtifactStore open(String location) {
    if (S3Location.isS3(location)) {
      return S3ArtifactStore.open(S3Location.parse(location));
    }
    S3Location.checkNotMistyped(location);
    return new LocalArtifactStore(Path.of(location));
  }

  /** @return where the store is, as {@link #open} takes it */
  String location();

  /** What a look-up found. */
  sealed interface Lookup permits Hit, Miss, Corrupt {}

  /** A complete artifact whose files match its manifest. */
  record Hit(ArtifactRef ref, Manifest manifest) implements Lookup {}

  /** Nothing stored under this key. */
  record Miss() implements Lookup {}

  /** Something is stored but does not match its manifest; it will be replaced, never read. */
  record Corrupt(String reason) implements Lookup {}

  /**
   * Looks an artifact up and checks its manifest's seal and every file's size and sha256 against
   * the manifest (an implementation may remember the hashes of files it knows to be unchanged).
   */
  Lookup lookup(String stage, String key);

  /** @return the artifact if it is stored and intact */
  default Optional<ArtifactRef> find(String stage, String key) {
    return lookup(stage, key) instanceof Hit h ? Optional.of(h.ref()) : Optional.empty();
  }

  /**
   * Opens a committed artifact for reading. Its manifest's seal is checked here and each file's
   * listing and size when it is asked for; the full sha256 check is {@link #lookup}'s, which every
   * task's runner made before committing or reusing the artifact.
   *
   * @throws java.nio.file.NoSuchFileException if nothing is stored under the key
   * @throws CorruptArtifactException if its manifest is missing, unreadable or changed
   */
  Artifact open(String stage, String key) throws IOException;

  /** A private local folder a stage writes its files into before {@link #commit}. */
  record Staging(String stage, String key, Path dir) implements ArtifactFiles {
    /**
     * @param root a local folder for unfinished artifacts (both stores keep theirs in {@code .staging/})
     * @return a new, empty staging folder below it, named so a leftover shows whose it was
     */
    static Staging fresh(Path root, String stage, String key) throws java.io.IOException {
      Path dir = root.resolve(".staging").resolve(stage + "-" + CacheKey.shortForm(key) + "-" + java.util.UUID.randomUUID());
      java.nio.file.Files.createDirectories(dir);
      return new Staging(stage, key, dir);
    }

    /** @return where to write the file {@code name} ("report/index.html" for one below a folder) */
    @Override
    public Path file(String name) {
      return dir.resolve(name);
    }

    @Override
    public boolean has(String name) {
      return java.nio.file.Files.isRegularFile(dir.resolve(name));
    }

    /** @return the files written so far, by their path in the folder ("report/index.html") */
    @Override
    public List<String> names() throws IOException {
      try (java.util.stream.Stream<Path> walk = java.nio.file.Files.walk(dir)) {
        return walk.filter(java.nio.file.Files::isRegularFile)
            .map(f -> dir.relativize(f).toString().replace(java.io.File.separatorChar, '/')).sorted().toList();
      }
    }

    @Override
    public String location() {
      return dir.toString();
    }
  }

  /** @return a fresh, empty staging folder for this artifact */
  Staging begin(String stage, String key) throws IOException;

  /**
   * Records every staged file's sha256 and size in the manifest, seals it, and makes the artifact
   * visible under its key at once, replacing whatever was stored there before (a forced rerun or
   * a corrupt copy). Unfinished work of the key ({@link #workDir}) is deleted: it is obsolete.
   *
   * @param summary the output's values as text, for humans and {@code drelu cache ls}
   * @return the committed artifact
   */
  ArtifactRef commit(
      Staging staging, int stageVersion, Map<String, ?> params, List<String> inputKeys, Map<String, String> summary)
      throws IOException;

  /** Throws away a staging folder after a failure. */
  void abandon(Staging staging);

  /** @return a stage's local folder for unfinished work (checkpoints) of this key */
  Path workDir(String stage, String key);

  /**
   * @return what copies the checkpoints in {@link #workDir} to where a task restarted on another
   *     machine finds them (nothing for a local store: its work folder is the shared one)
   */
  default CheckpointMirror checkpointMirror(String stage, String key) {
    return CheckpointMirror.NONE;
  }

  /** @return the per-task locks that keep two runs from computing the same artifact at once */
  TaskLocks locks();

  /** @return where the digests of unchanged local files (the dataset fingerprint) are remembered */
  DigestCache hashes();

  /**
   * Removes what no run will read again: staging folders of failed or killed runs, replaced
   * artifacts, checkpoints of committed models, stale task locks and remembered hashes of
   * artifacts that are gone. Run it when no pipeline is using the store.
   *
   * @return the locations removed
   */
  List<String> collectGarbage() throws IOException;

  /** One artifact and what checking it found. */
  record Checked(String stage, String key, String location, Lookup result) {}

  /**
   * Checks every artifact of the store against its manifest, including those whose manifest is
   * missing or unreadable (those are {@link Corrupt}, never skipped), reading every file: no
   * remembered hash is trusted ({@code drelu cache verify}).
   *
   * @return one entry per artifact, stage by stage
   */
  List<Checked> checkAll() throws IOException;

  /** @return every committed artifact's manifest, stage by stage (unreadable ones are left out) */
  List<Manifest> list() throws IOException;
}
