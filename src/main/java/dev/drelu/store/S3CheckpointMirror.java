package dev.drelu.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Mirrors one training's checkpoint folder to {@code <prefix>/.work/<stage>/<key>/}: checkpoint
 * folders (each file once, they never change) first, then the top-level pointer file. A worker
 * whose pointer differs from the mirror's (an empty work folder, or older checkpoints of its
 * own) downloads the folders first and the pointer last, so the local pointer never names a
 * folder that is not complete; {@code Checkpoints.restore} then verifies every file against its
 * checksums as it does for a local checkpoint.
 */
final class S3CheckpointMirror implements CheckpointMirror {
  private final S3Client s3;
  private final String bucket;
  private final String prefix;

  /** @param prefix the object-key prefix of this training's mirror, ending in "/" */
  S3CheckpointMirror(S3Client s3, String bucket, String prefix) {
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = prefix;
  }

  @Override
  public void push(Path workDir, Path folder) throws IOException {
    Set<String> remote = new HashSet<>();
    for (S3Object o : S3Objects.listAll(s3, bucket, prefix)) {
      remote.add(o.key().substring(prefix.length()));
    }
    String name = folder.getFileName().toString();
    for (Path f : filesBelow(folder)) {
      String rel = name + "/" + folder.relativize(f).toString().replace(java.io.File.separatorChar, '/');
      if (!remote.contains(rel)) {
        put(rel, f);
      }
    }
    Set<String> kept = new HashSet<>();
    for (Path p : entries(workDir)) {
      String n = p.getFileName().toString();
      if (Files.isRegularFile(p) && !n.endsWith(".tmp")) {
        put(n, p); // the pointer, after the folder it names
        kept.add(n);
      } else if (Files.isDirectory(p) && !n.endsWith(".tmp")) {
        kept.add(n);
      }
    }
    // what the local folder pruned (older checkpoints) goes from the mirror too
    List<String> stale = new ArrayList<>();
    for (String rel : remote) {
      if (!kept.contains(rel.contains("/") ? rel.substring(0, rel.indexOf('/')) : rel)) {
        stale.add(prefix + rel);
      }
    }
    S3Objects.delete(s3, bucket, stale);
  }

  /**
   * The mirror's pointer is the newest any machine committed (each commit is pushed before the
   * next epoch starts), so it wins over this machine's: a worker that ran the task earlier and
   * kept older checkpoints resumes from where the last worker stopped, not from its own.
   */
  @Override
  public void pull(Path workDir) throws IOException {
    List<S3Object> objects = S3Objects.listAll(s3, bucket, prefix);
    List<S3Object> pointers = new ArrayList<>();
    for (S3Object o : objects) {
      if (!o.key().substring(prefix.length()).contains("/")) {
        pointers.add(o);
      }
    }
    if (pointers.isEmpty() || pointersMatch(workDir, pointers)) {
      return;
    }
    for (S3Object o : objects) {
      String rel = o.key().substring(prefix.length());
      Path local = workDir.resolve(rel);
      // checkpoint folders never change once written: one this machine has is the same
      if (rel.contains("/") && !(Files.isRegularFile(local) && Files.size(local) == o.size())) {
        download(o.key(), local);
      }
    }
    for (S3Object o : pointers) {
      download(o.key(), workDir.resolve(o.key().substring(prefix.length())));
    }
  }

  /** @return whether this machine's pointer files hold what the mirror's do */
  private boolean pointersMatch(Path workDir, List<S3Object> pointers) throws IOException {
    for (S3Object o : pointers) {
      Path local = workDir.resolve(o.key().substring(prefix.length()));
      if (!Files.isRegularFile(local) || !java.util.Arrays.equals(Files.readAllBytes(local),
          s3.getObjectAsBytes(GetObjectRequest.builder().bucket(bucket).key(o.key()).build()).asByteArray())) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void clear() {
    S3Objects.delete(s3, bucket, S3Objects.listAll(s3, bucket, prefix).stream().map(S3Object::key).toList());
  }

  private void put(String rel, Path file) {
    s3.putObject(PutObjectRequest.builder().bucket(bucket).key(prefix + rel).build(), RequestBody.fromFile(file));
  }

  /** Downloads to a temporary name and renames, so a kill never leaves a partial file under the real name. */
  private void download(String objectKey, Path target) throws IOException {
    Files.createDirectories(target.getParent());
    Path tmp = target.resolveSibling(target.getFileName() + "." + DurableFiles.uniqueSuffix() + ".tmp");
    try {
      s3.getObject(GetObjectRequest.builder().bucket(bucket).key(objectKey).build(), tmp);
      DurableFiles.rename(tmp, target);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static List<Path> entries(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }

  private static List<Path> filesBelow(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }
}
