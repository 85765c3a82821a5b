package dev.drelu.store;

import dev.drelu.core.DigestCache;
import dev.drelu.core.DreluHome;
import dev.drelu.core.FileTrees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The artifact store in an S3 bucket (AWS or any S3-compatible server), shared by every worker.
 *
 * <p>Layout under the location's prefix: {@code <stage>/<key>/manifest.json} is the commit; the
 * files it lists live under a generation {@code <stage>/<key>/<generation>/<file>} beside the
 * manifest's seal {@code <generation>/manifest.sha256}, and the manifest names its generation
 * (provenance {@value #GENERATION}). A commit uploads every file and the seal of a fresh
 * generation first and puts the manifest last: a single PUT, which S3 makes visible whole. So a
 * reader finds no manifest (a {@link Miss}) until everything it lists is there, and a forced
 * rerun or a second worker committing the same key never mixes its files with the earlier
 * commit's: each manifest names only its own generation. Replaced generations stay until
 * {@code drelu cache gc}, so a reader that opened the old manifest can still read its files.
 *
 * <p>Files are read through a per-machine cache keyed by sha256 ({@link S3FileCache}); a look-up
 * downloads and checks what the machine has not checked before. Staging folders, checkpoints
 * ({@link #workDir}, mirrored to {@code .work/<stage>/<key>/} by {@link #checkpointMirror}),
 * task locks and remembered dataset hashes are local to the machine, under
 * {@code $DRELU_HOME/s3/<bucket>/<prefix>/}.
 */
public final class S3ArtifactStore implements ArtifactStore {
  /** The provenance entry that names the generation a manifest's files live in. */
  static final String GENERATION = "store.generation";
  private static final String WORK = ".work";

  private final S3Location location;
  private final S3Client s3;
  private final Path local;
  private final S3FileCache cache;
  private final VerifiedHashes hashes;

  /**
   * @param local this machine's folder for staging, checkpoints, locks and remembered hashes
   * @param cache this machine's cache of downloaded files
   */
  S3ArtifactStore(S3Location location, S3Client s3, Path local, S3FileCache cache) {
    this.location = location;
    this.s3 = s3;
    this.local = local.toAbsolutePath().normalize();
    this.cache = cache;
    this.hashes = new VerifiedHashes(this.local.resolve(".hashes"));
  }

  /**
   * Opens the store after checking that it can be reached (endpoint, credentials, bucket).
   *
   * @throws IllegalArgumentException naming what to check if it cannot
   */
  static S3ArtifactStore open(S3Location location) {
    Path home = DreluHome.get();
    String prefixFolder = location.prefix().isEmpty() ? "_" : location.prefix().replace('/', '_');
    return open(location, home.resolve("s3").resolve(location.bucket()).resolve(prefixFolder),
        new S3FileCache(home.resolve("cache").resolve("s3")));
  }

  /** Same, with this machine's folders given (tests give two "machines" one bucket). */
  static S3ArtifactStore open(S3Location location, Path local, S3FileCache cache) {
    S3Client s3 = S3Clients.create(location);
    S3Clients.checkReachable(s3, location);
    return new S3ArtifactStore(location, s3, local, cache);
  }

  @Override
  public String location() {
    return location.toString();
  }

  private String artifactPrefix(String stage, String key) {
    return location.key(stage + "/" + key + "/");
  }

  private String where(String stage, String key) {
    return location.shortForm() + "/" + stage + "/" + key;
  }

  // ---- read ----

  @Override
  public Lookup lookup(String stage, String key) {
    return lookup(stage, key, false);
  }

  /** @param readAll read every object from the server, trusting no remembered check ({@code drelu cache verify}) */
  private Lookup lookup(String stage, String key, boolean readAll) {
    Manifest m;
    try {
      m = readManifest(stage, key);
    } catch (NoSuchFileException e) {
      return new Miss();
    } catch (IOException e) {
      return new Corrupt(e.getMessage());
    }
    try {
      String generation = artifactPrefix(stage, key) + m.provenance().get(GENERATION) + "/";
      Map<String, S3Object> objects = new HashMap<>();
      for (S3Object o : listAll(generation)) {
        objects.put(o.key().substring(generation.length()), o);
      }
      for (Map.Entry<String, Manifest.FileEntry> e : m.files().entrySet()) {
        S3Object o = objects.get(e.getKey());
        String objectKey = generation + e.getKey();
        if (o == null) {
          throw new CorruptArtifactException("s3://" + location.bucket() + "/" + objectKey
              + ": listed in the manifest but missing");
        }
        if (o.size() != e.getValue().bytes()) {
          throw new CorruptArtifactException("s3://" + location.bucket() + "/" + objectKey + ": expected "
              + e.getValue().bytes() + " bytes, got " + o.size());
        }
        String sha;
        if (readAll) {
          sha = S3FileCache.hashObject(s3, location.bucket(), objectKey);
        } else {
          sha = cache.verified(location.bucket(), objectKey, o.eTag());
          if (sha == null) {
            sha = cache.download(s3, location.bucket(), objectKey, cache.path(e.getValue().sha256(), e.getKey()),
                e.getValue());
          }
        }
        if (!sha.equals(e.getValue().sha256())) {
          throw new CorruptArtifactException("s3://" + location.bucket() + "/" + objectKey + ": expected sha256 "
              + e.getValue().sha256() + ", got " + sha);
        }
      }
      return new Hit(new ArtifactRef(stage, key, where(stage, key), m.summary()), m);
    } catch (IOException | RuntimeException e) {
      return new Corrupt(e.getMessage());
    }
  }

  @Override
  public Artifact open(String stage, String key) throws IOException {
    Manifest m;
    try {
      m = readManifest(stage, key);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(where(stage, key), null, "no " + stage + " artifact " + CacheKey.shortForm(key)
          + " in the store (its task has not run on this store, or the artifact was removed)");
    }
    return new Remote(new ArtifactRef(stage, key, where(stage, key), m.summary()), m,
        artifactPrefix(stage, key) + m.provenance().get(GENERATION) + "/");
  }

  /** A committed artifact in the bucket: each file is downloaded into the local cache when first asked for. */
  private final class Remote implements Artifact {
    private final ArtifactRef ref;
    private final Manifest manifest;
    private final String generation;

    Remote(ArtifactRef ref, Manifest manifest, String generation) {
      this.ref = ref;
      this.manifest = manifest;
      this.generation = generation;
    }

    @Override
    public ArtifactRef ref() {
      return ref;
    }

    @Override
    public Manifest manifest() {
      return manifest;
    }

    @Override
    public Path file(String name) throws IOException {
      Manifest.FileEntry entry = manifest.files().get(name);
      if (entry == null) {
        throw new CorruptArtifactException(ref.location() + "/" + name + ": not listed in the manifest of this "
            + ref.stage() + " artifact (it lists " + String.join(", ", manifest.files().keySet()) + ")");
      }
      try {
        return cache.fetch(s3, location.bucket(), generation + name, name, entry);
      } catch (NoSuchKeyException e) {
        throw new CorruptArtifactException(ref.location() + "/" + name + ": listed in the manifest but missing");
      }
    }
  }

  /**
   * @throws NoSuchFileException if no manifest is committed under the key
   * @throws CorruptArtifactException if it is unreadable, names no generation or fails its seal
   */
  private Manifest readManifest(String stage, String key) throws IOException {
    String manifestKey = artifactPrefix(stage, key) + MANIFEST;
    byte[] bytes = get(manifestKey);
    if (bytes == null) {
      throw new NoSuchFileException(where(stage, key));
    }
    String where = "s3://" + location.bucket() + "/" + manifestKey;
    Manifest m = ManifestCodec.read(bytes, null, where);
    String generation = m.provenance().get(GENERATION);
    if (generation == null || generation.isBlank() || generation.contains("/")) {
      throw new CorruptArtifactException(where + ": names no generation (" + GENERATION
          + "); it was not written by a commit");
    }
    byte[] seal = get(artifactPrefix(stage, key) + generation + "/" + MANIFEST_SHA256);
    if (seal == null) {
      throw new CorruptArtifactException(where + ": its seal " + generation + "/" + MANIFEST_SHA256 + " is missing");
    }
    return ManifestCodec.read(bytes, new String(seal, StandardCharsets.ISO_8859_1), where);
  }

  /** @return an object's bytes, or null if there is none */
  private byte[] get(String objectKey) throws IOException {
    try {
      return s3.getObjectAsBytes(GetObjectRequest.builder().bucket(location.bucket()).key(objectKey).build())
          .asByteArray();
    } catch (NoSuchKeyException e) {
      return null;
    }
  }

  // ---- write ----

  @Override
  public Staging begin(String stage, String key) throws IOException {
    return Staging.fresh(local, stage, key);
  }

  /**
   * Uploads every staged file into a fresh generation, then the manifest's seal, then the
   * manifest: the one PUT that makes the artifact (and only this generation of it) visible.
   */
  @Override
  public ArtifactRef commit(
      Staging staging, int stageVersion, Map<String, ?> params, List<String> inputKeys, Map<String, String> summary)
      throws IOException {
    String generation = "g-" + System.currentTimeMillis() + "-" + UUID.randomUUID().toString().substring(0, 8);
    Manifest manifest = ManifestCodec.of(staging, stageVersion, params, inputKeys, summary,
        Map.of(GENERATION, generation));
    String prefix = artifactPrefix(staging.stage(), staging.key());
    for (Map.Entry<String, Manifest.FileEntry> e : manifest.files().entrySet()) {
      Path file = staging.file(e.getKey());
      String objectKey = prefix + generation + "/" + e.getKey();
      String etag = put(objectKey, RequestBody.fromFile(file));
      cache.add(file, e.getValue().sha256(), e.getKey(), location.bucket(), objectKey, etag);
    }
    byte[] manifestBytes = ManifestCodec.bytes(manifest);
    put(prefix + generation + "/" + MANIFEST_SHA256,
        RequestBody.fromString(ManifestCodec.seal(manifestBytes), StandardCharsets.US_ASCII));
    put(prefix + MANIFEST, RequestBody.fromBytes(manifestBytes)); // the commit
    abandon(staging);
    // its checkpoints are obsolete now; deleted under the task's lock, as in the local store
    FileTrees.deleteTree(workDir(staging.stage(), staging.key()));
    checkpointMirror(staging.stage(), staging.key()).clear();
    return new ArtifactRef(staging.stage(), staging.key(), where(staging.stage(), staging.key()), summary);
  }

  /** @return the new object's ETag */
  private String put(String objectKey, RequestBody body) {
    return s3.putObject(PutObjectRequest.builder().bucket(location.bucket()).key(objectKey).build(), body).eTag();
  }

  @Override
  public void abandon(Staging staging) {
    try {
      FileTrees.deleteTree(staging.dir());
    } catch (IOException e) {
      // a leftover staging folder is never read; `drelu cache gc` removes it
    }
  }

  // ---- unfinished work ----

  @Override
  public Path workDir(String stage, String key) {
    return local.resolve(WORK).resolve(stage).resolve(key);
  }

  @Override
  public CheckpointMirror checkpointMirror(String stage, String key) {
    return new S3CheckpointMirror(s3, location.bucket(), location.key(WORK + "/" + stage + "/" + key + "/"));
  }

  /**
   * Per-machine locks: two runs on one machine compute a task once. Two machines may compute the
   * same task at once; both commits are complete generations and the last manifest wins, so a
   * reader sees one or the other, never a mix (see the class comment).
   */
  @Override
  public TaskLocks locks() {
    return new TaskLocks(local.resolve(".locks"));
  }

  @Override
  public DigestCache hashes() {
    return hashes;
  }

  // ---- maintenance ----

  /**
   * Removes generations no manifest names (replaced ones, and uploads of commits that never
   * finished), mirrored checkpoints of committed models, and this machine's leftover staging
   * folders and stale locks. Run it when no pipeline is using the store: an upload in progress
   * is not told apart from an abandoned one.
   */
  @Override
  public List<String> collectGarbage() throws IOException {
    List<String> removed = new ArrayList<>();
    locks().removeStale().forEach(p -> removed.add(p.toString()));
    java.util.Set<String> busy = new java.util.HashSet<>();
    for (TaskLocks.Live l : locks().live()) {
      busy.add(l.stage() + "/" + l.key());
    }
    Path staging = local.resolve(".staging");
    if (Files.isDirectory(staging)) {
      try (Stream<Path> s = Files.list(staging)) {
        for (Path p : s.toList()) {
          String name = p.getFileName().toString();
          if (busy.stream().noneMatch(b -> name.startsWith(LocalArtifactStore.stagingPrefix(b)))) {
            FileTrees.deleteTree(p);
            removed.add(p.toString());
          }
        }
      }
    }
    List<String> doomed = new ArrayList<>(uncommittedGenerations(busy));
    doomed.addAll(checkpointsOfCommittedModels(busy));
    delete(doomed);
    doomed.forEach(k -> removed.add("s3://" + location.bucket() + "/" + k));
    return removed;
  }

  /** @return the objects of every generation no manifest names (replaced, or of a commit that never finished) */
  private List<String> uncommittedGenerations(java.util.Set<String> busy) {
    List<String> doomed = new ArrayList<>();
    for (Map.Entry<String, List<S3Object>> a : objectsByArtifact().entrySet()) {
      String stageKey = a.getKey();
      if (busy.contains(stageKey)) {
        continue;
      }
      int slash = stageKey.indexOf('/');
      String prefix = artifactPrefix(stageKey.substring(0, slash), stageKey.substring(slash + 1));
      String current = null;
      try {
        current = readManifest(stageKey.substring(0, slash), stageKey.substring(slash + 1))
            .provenance().get(GENERATION) + "/";
      } catch (IOException e) {
        // no readable manifest: nothing of this key is committed, every generation is garbage
      }
      for (S3Object o : a.getValue()) {
        String rest = o.key().substring(prefix.length());
        if (!rest.equals(MANIFEST) && (current == null || !rest.startsWith(current))) {
          doomed.add(o.key());
        }
      }
    }
    return doomed;
  }

  /** @return the mirrored checkpoints of trainings whose model is committed (a killed forced rerun leaves those) */
  private List<String> checkpointsOfCommittedModels(java.util.Set<String> busy) {
    List<String> doomed = new ArrayList<>();
    String work = location.key(WORK + "/");
    Map<String, Boolean> committed = new HashMap<>();
    for (S3Object o : listAll(work)) {
      String[] parts = o.key().substring(work.length()).split("/", 3);
      if (parts.length < 3 || busy.contains(parts[0] + "/" + parts[1])) {
        continue;
      }
      if (committed.computeIfAbsent(parts[0] + "/" + parts[1], sk -> find(parts[0], parts[1]).isPresent())) {
        doomed.add(o.key());
      }
    }
    return doomed;
  }

  @Override
  public List<Checked> checkAll() throws IOException {
    List<Checked> out = new ArrayList<>();
    for (String stageKey : objectsByArtifact().keySet()) {
      int slash = stageKey.indexOf('/');
      String stage = stageKey.substring(0, slash);
      String key = stageKey.substring(slash + 1);
      Lookup result = lookup(stage, key, true);
      if (result instanceof Miss) {
        // objects but no manifest: an upload that never committed; garbage, never read
        result = new Corrupt(where(stage, key) + ": files without a committed " + MANIFEST
            + " (an interrupted commit; `drelu cache gc` removes them)");
      }
      out.add(new Checked(stage, key, where(stage, key), result));
    }
    return out;
  }

  @Override
  public List<Manifest> list() throws IOException {
    List<Manifest> out = new ArrayList<>();
    for (String stageKey : objectsByArtifact().keySet()) {
      int slash = stageKey.indexOf('/');
      try {
        out.add(readManifest(stageKey.substring(0, slash), stageKey.substring(slash + 1)));
      } catch (IOException e) {
        // reported by `drelu cache verify` (checkAll), skipped here
      }
    }
    return out;
  }

  /** @return every object below {@code <stage>/<key>/} by "stage/key", sorted (the dot-prefixes left out) */
  private Map<String, List<S3Object>> objectsByArtifact() {
    Map<String, List<S3Object>> out = new TreeMap<>();
    String root = location.key("");
    for (S3Object o : listAll(root)) {
      String[] parts = o.key().substring(root.length()).split("/", 3);
      if (parts.length < 3 || parts[0].startsWith(".")) {
        continue;
      }
      out.computeIfAbsent(parts[0] + "/" + parts[1], k -> new ArrayList<>()).add(o);
    }
    return out;
  }

  private List<S3Object> listAll(String prefix) {
    return S3Objects.listAll(s3, location.bucket(), prefix);
  }

  private void delete(List<String> keys) {
    S3Objects.delete(s3, location.bucket(), keys);
  }
}
