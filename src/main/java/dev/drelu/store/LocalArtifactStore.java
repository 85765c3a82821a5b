package dev.drelu.store;

import dev.drelu.core.FileTrees;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The artifact store in one local (or POSIX shared) folder. Artifacts live at
 * {@code <root>/<stage>/<key>/} with a {@code manifest.json}. A stage writes into a private
 * staging folder and {@link #commit} renames it into place, so readers only ever see complete
 * artifacts. Unfinished work (training checkpoints) lives under {@code .work/}.
 */
public final class LocalArtifactStore implements ArtifactStore {
  private final Path root;
  private final VerifiedHashes hashes;

  /** @param root the store's folder; created if missing */
  public LocalArtifactStore(Path root) {
    this(root, null);
  }

  /** Uses {@code hashes} for the remembered sha256 (tests count the files it reads); null for the real ones. */
  LocalArtifactStore(Path root, VerifiedHashes hashes) {
    this.root = root.toAbsolutePath().normalize();
    this.hashes = hashes != null ? hashes : new VerifiedHashes(this.root.resolve(".hashes"));
  }

  @Override
  public String location() {
    return root.toString();
  }

  /** @return where a committed artifact's folder is (whether or not it exists) */
  Path folder(String stage, String key) {
    return root.resolve(stage).resolve(key);
  }

  @Override
  public Path workDir(String stage, String key) {
    return root.resolve(".work").resolve(stage).resolve(key);
  }

  /**
   * @return the sha256 this store remembers for unchanged files, of its artifacts and of the
   *     dataset fingerprint (a {@link dev.drelu.core.DigestCache})
   */
  @Override
  public VerifiedHashes hashes() {
    return hashes;
  }

  @Override
  public TaskLocks locks() {
    return new TaskLocks(root.resolve(".locks"));
  }

  /**
   * Looks an artifact up and checks every file's size and sha256 against its manifest. A file
   * whose sha256 this store read before and whose {@link FileStamp} (size, mtime, ctime, inode)
   * is unchanged since is not read again: see {@link VerifiedHashes} for what that trusts.
   */
  @Override
  public Lookup lookup(String stage, String key) {
    return lookup(stage, key, false);
  }

  /**
   * @param readAll read every file, trusting no remembered hash ({@code drelu cache verify})
   */
  private Lookup lookup(String stage, String key, boolean readAll) {
    Path dir = folder(stage, key);
    if (!Files.isDirectory(dir)) {
      return new Miss();
    }
    try {
      Manifest m = readManifest(dir);
      verify(dir, m, hashes.artifact(stage, key), readAll);
      return new Hit(new ArtifactRef(stage, key, dir.toString(), m.summary()), m);
    } catch (IOException e) {
      return new Corrupt(e.getMessage());
    }
  }

  @Override
  public Artifact open(String stage, String key) throws IOException {
    Path dir = folder(stage, key);
    if (!Files.isDirectory(dir)) {
      throw new java.nio.file.NoSuchFileException(dir.toString(), null, "no " + stage + " artifact "
          + CacheKey.shortForm(key) + " in the store (its task has not run on this store, or the artifact was removed)");
    }
    Manifest m = readManifest(dir);
    return new Folder(new ArtifactRef(stage, key, dir.toString(), m.summary()), m, dir);
  }

  /** A committed artifact's folder: its files are read in place. */
  private record Folder(ArtifactRef ref, Manifest manifest, Path dir) implements Artifact {
    @Override
    public Path file(String name) throws IOException {
      Manifest.FileEntry entry = manifest.files().get(name);
      Path f = dir.resolve(name);
      if (entry == null) {
        throw new CorruptArtifactException(f + ": not listed in the manifest of this " + ref.stage()
            + " artifact (it lists " + String.join(", ", manifest.files().keySet()) + ")");
      }
      if (!Files.isRegularFile(f)) {
        throw new CorruptArtifactException(f + ": listed in the manifest but missing");
      }
      long size = Files.size(f);
      if (size != entry.bytes()) {
        throw new CorruptArtifactException(f + ": expected " + entry.bytes() + " bytes, got " + size);
      }
      return f;
    }
  }

  @Override
  public Staging begin(String stage, String key) throws IOException {
    return Staging.fresh(root, stage, key);
  }

  /**
   * Hashes the staged files, writes the manifest and renames the folder into place, replacing
   * whatever was stored under the key before (a forced rerun or a corrupt copy).
   *
   * @return the committed artifact
   */
  @Override
  public ArtifactRef commit(
      Staging staging, int stageVersion, Map<String, ?> params, List<String> inputKeys, Map<String, String> summary)
      throws IOException {
    Manifest manifest = ManifestCodec.of(staging, stageVersion, params, inputKeys, summary, Map.of());
    byte[] manifestBytes = ManifestCodec.bytes(manifest);
    Files.write(staging.dir().resolve(MANIFEST), manifestBytes);
    Files.writeString(staging.dir().resolve(MANIFEST_SHA256), ManifestCodec.seal(manifestBytes),
        java.nio.charset.StandardCharsets.US_ASCII);
    Path target = folder(staging.stage(), staging.key());
    Files.createDirectories(target.getParent());
    if (Files.exists(target)) {
      Path trash = root.resolve(".trash").resolve(staging.key() + "-" + UUID.randomUUID());
      Files.createDirectories(trash.getParent());
      move(target, trash);
      move(staging.dir(), target);
      FileTrees.deleteTree(trash);
    } else {
      move(staging.dir(), target);
    }
    // what was remembered described the replaced copy; its stamps would not match anyway
    hashes.forget(staging.stage(), staging.key());
    // Its unfinished work (checkpoints) is obsolete now. Deleted here, under the task's lock,
    // so that a run that waited for this one never deletes it at the same time.
    FileTrees.deleteTree(workDir(staging.stage(), staging.key()));
    return new ArtifactRef(staging.stage(), staging.key(), target.toString(), summary);
  }

  @Override
  public void abandon(Staging staging) {
    try {
      FileTrees.deleteTree(staging.dir());
    } catch (IOException e) {
      // a leftover staging folder is never read; `drelu cache gc` removes it
    }
  }

  /**
   * Removes what no run will read again: staging folders of failed or killed runs, replaced
   * artifacts waiting in the trash, checkpoints of trainings whose model is committed (a killed
   * forced rerun leaves those), stale task locks (of exited processes on this host), and
   * remembered hashes of artifacts that are gone.
   * Staging folders and checkpoints of tasks whose lock a live run holds are kept; other
   * staging folders are not told apart from a running pipeline's, so run it when the store is
   * idle.
   *
   * @return the folders and files removed
   */
  @Override
  public List<String> collectGarbage() throws IOException {
    List<Path> removed = new java.util.ArrayList<>(locks().removeStale());
    java.util.Set<String> busy = new java.util.HashSet<>();
    for (TaskLocks.Live l : locks().live()) {
      busy.add(l.stage() + "/" + l.key());
    }
    Path staging = root.resolve(".staging");
    if (Files.isDirectory(staging)) {
      try (Stream<Path> s = Files.list(staging)) {
        for (Path p : s.toList()) {
          if (busy.stream().noneMatch(b -> p.getFileName().toString().startsWith(stagingPrefix(b)))) {
            FileTrees.deleteTree(p);
            removed.add(p);
          }
        }
      }
    }
    Path trash = root.resolve(".trash");
    if (Files.isDirectory(trash)) {
      try (Stream<Path> s = Files.list(trash)) {
        for (Path p : s.toList()) {
          FileTrees.deleteTree(p);
          removed.add(p);
        }
      }
    }
    Path work = root.resolve(".work");
    if (Files.isDirectory(work)) {
      try (Stream<Path> stages = Files.list(work)) {
        for (Path stage : stages.toList()) {
          try (Stream<Path> keys = Files.list(stage)) {
            for (Path key : keys.toList()) {
              String s = stage.getFileName().toString();
              String k = key.getFileName().toString();
              // a forced rerun trains into the work folder of a committed model: spare it while it runs
              if (!busy.contains(s + "/" + k) && find(s, k).isPresent()) {
                FileTrees.deleteTree(key);
                removed.add(key);
              }
            }
          }
        }
      }
    }
    removed.addAll(hashes.removeStale((stage, key) -> Files.isDirectory(folder(stage, key))));
    return removed.stream().map(Path::toString).toList();
  }

  /** @return how {@link #begin} names the staging folders of "stage/key" */
  static String stagingPrefix(String stageAndKey) {
    int slash = stageAndKey.indexOf('/');
    return stageAndKey.substring(0, slash) + "-" + CacheKey.shortForm(stageAndKey.substring(slash + 1)) + "-";
  }

  /**
   * Checks every artifact folder of the store against its manifest, including folders whose
   * manifest is missing or unreadable (those are {@link Corrupt}, never skipped). Reads every
   * file: no remembered hash is trusted here, so this finds a changed byte even where the
   * file's stamp did not change.
   *
   * @return one entry per folder, stage by stage
   */
  @Override
  public List<Checked> checkAll() throws IOException {
    List<Checked> out = new java.util.ArrayList<>();
    for (Path dir : artifactFolders()) {
      String stage = dir.getParent().getFileName().toString();
      String key = dir.getFileName().toString();
      out.add(new Checked(stage, key, dir.toString(), lookup(stage, key, true)));
    }
    return out;
  }

  /** @return {@code <root>/<stage>/<key>/} for every stage folder (not the dot-folders) and key */
  private List<Path> artifactFolders() throws IOException {
    List<Path> out = new java.util.ArrayList<>();
    if (!Files.isDirectory(root)) {
      return out;
    }
    try (Stream<Path> stages = Files.list(root)) {
      for (Path stage : stages.filter(p -> !p.getFileName().toString().startsWith(".") && Files.isDirectory(p))
          .sorted().toList()) {
        try (Stream<Path> keys = Files.list(stage)) {
          keys.filter(Files::isDirectory).sorted().forEach(out::add);
        }
      }
    }
    return out;
  }

  @Override
  public List<Manifest> list() throws IOException {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> stages = Files.list(root)) {
      List<Manifest> out = new java.util.ArrayList<>();
      for (Path stage : stages.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList()) {
        try (Stream<Path> keys = Files.list(stage)) {
          for (Path k : keys.sorted().toList()) {
            try {
              out.add(readManifest(k));
            } catch (IOException e) {
              // reported by `drelu cache verify` (checkAll), skipped here
            }
          }
        }
      }
      return out;
    }
  }

  private static Manifest readManifest(Path dir) throws IOException {
    Path file = dir.resolve(MANIFEST);
    if (!Files.isRegularFile(file)) {
      throw new CorruptArtifactException(dir + ": no " + MANIFEST + " (the folder was not written by a commit, "
          + "or its manifest was deleted)");
    }
    return ManifestCodec.read(Files.readAllBytes(file), ManifestCodec.readSeal(dir.resolve(MANIFEST_SHA256)),
        file.toString());
  }

  private static void verify(Path dir, Manifest m, VerifiedHashes.Artifact known, boolean readAll)
      throws IOException {
    try {
      for (Map.Entry<String, Manifest.FileEntry> e : m.files().entrySet()) {
        Path f = dir.resolve(e.getKey());
        if (!Files.isRegularFile(f)) {
          throw new CorruptArtifactException(f + ": listed in the manifest but missing");
        }
        FileStamp stamp = FileStamp.of(f);
        if (stamp.size() != e.getValue().bytes()) {
          throw new CorruptArtifactException(f + ": expected " + e.getValue().bytes() + " bytes, got " + stamp.size());
        }
        String sha = readAll
            ? known.read(e.getKey(), f, stamp)
            : known.sha256(e.getKey(), f, stamp, e.getValue().sha256());
        if (!sha.equals(e.getValue().sha256())) {
          throw new CorruptArtifactException(f + ": expected sha256 " + e.getValue().sha256() + ", got " + sha);
        }
      }
    } finally {
      // also after a corrupt file: the hashes read before it stay true, and a corrupt file's
      // real hash is remembered, which a later look-up never mistakes for the manifest's
      known.save();
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the artifact store at " + from.getParent()
          + " needs a file system with atomic renames (a local disk or a POSIX shared file system)", e);
    }
  }
}
