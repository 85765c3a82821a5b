package dev.drelu.store;

import dev.drelu.core.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * This machine's copies of S3 artifact files, keyed by their sha256 ({@code <dir>/ab/abcd.../<name>}),
 * shared by every store and every drelu process on the machine. A copy is only ever created by
 * downloading into a private temporary file, checking its sha256 against the manifest, and
 * renaming it into place, so concurrent processes never see (or leave) a partial copy; two that
 * download the same file rename identical bytes over each other.
 *
 * <p>Which objects were verified is remembered under {@code etags/}: a marker named by the
 * object's key and ETag holds the sha256 its content had. S3 gives a rewritten object a new
 * ETag, so a look-up trusts a marker only for the very object it checked.
 */
final class S3FileCache {
  private final Path dir;

  /** @param dir the cache folder ({@code $DRELU_HOME/cache/s3}); created when first written */
  S3FileCache(Path dir) {
    this.dir = dir.toAbsolutePath().normalize();
  }

  Path dir() {
    return dir;
  }

  /** @return where the copy of a file with this sha256 lives (it keeps its own name, for readers that look at it) */
  Path path(String sha256, String name) {
    String base = name.substring(name.lastIndexOf('/') + 1);
    return dir.resolve(sha256.substring(0, 2)).resolve(sha256).resolve(base);
  }

  /**
   * @return the local copy of an artifact file, downloaded and checked first if this machine has none
   * @throws CorruptArtifactException if the object's content does not have the manifest's sha256 or size
   */
  Path fetch(S3Client s3, String bucket, String objectKey, String name, Manifest.FileEntry entry) throws IOException {
    Path target = path(entry.sha256(), name);
    if (Files.isRegularFile(target) && Files.size(target) == entry.bytes()) {
      return target;
    }
    String sha = download(s3, bucket, objectKey, target, entry);
    if (!sha.equals(entry.sha256())) {
      throw new CorruptArtifactException("s3://" + bucket + "/" + objectKey + ": expected sha256 " + entry.sha256()
          + ", got " + sha);
    }
    return target;
  }

  /**
   * Downloads an object into the cache under the sha256 it is expected to have, if it has it.
   *
   * @return the sha256 the object's content really has (nothing is kept if it differs)
   */
  String download(S3Client s3, String bucket, String objectKey, Path target, Manifest.FileEntry entry)
      throws IOException {
    Path tmp = tempFile();
    try {
      String sha;
      String etag;
      try (ResponseInputStream<GetObjectResponse> in =
          s3.getObject(GetObjectRequest.builder().bucket(bucket).key(objectKey).build())) {
        sha = copyHashing(in, tmp);
        etag = in.response().eTag();
      }
      if (sha.equals(entry.sha256()) && Files.size(tmp) == entry.bytes()) {
        Files.createDirectories(target.getParent());
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        remember(bucket, objectKey, etag, sha);
      }
      return sha;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * @return the sha256 of the object's content, read from the server (nothing trusted, nothing kept)
   */
  static String hashObject(S3Client s3, String bucket, String objectKey) throws IOException {
    Sha256.Digest d = Sha256.digest();
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = s3.getObject(GetObjectRequest.builder().bucket(bucket).key(objectKey).build())) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        d.update(buffer, 0, n);
      }
    }
    return d.hex();
  }

  /** Adds a file this machine just uploaded (its sha256 known) to the cache. */
  void add(Path file, String sha256, String name, String bucket, String objectKey, String etag) throws IOException {
    Path target = path(sha256, name);
    if (!Files.isRegularFile(target)) {
      Path tmp = tempFile();
      try {
        Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.createDirectories(target.getParent());
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
    remember(bucket, objectKey, etag, sha256);
  }

  /** @return the sha256 this machine found in the object with this ETag, or null if it never checked it */
  String verified(String bucket, String objectKey, String etag) throws IOException {
    Path marker = marker(bucket, objectKey, etag);
    return Files.isRegularFile(marker) ? Files.readString(marker, StandardCharsets.US_ASCII).strip() : null;
  }

  private void remember(String bucket, String objectKey, String etag, String sha256) throws IOException {
    if (etag == null) {
      return;
    }
    Path marker = marker(bucket, objectKey, etag);
    Files.createDirectories(marker.getParent());
    DurableFiles.replace(marker, sha256.getBytes(StandardCharsets.US_ASCII));
  }

  private Path marker(String bucket, String objectKey, String etag) {
    return dir.resolve("etags").resolve(Sha256.of(bucket + "/" + objectKey + "\n" + etag));
  }

  private Path tempFile() throws IOException {
    Path tmpDir = dir.resolve("tmp");
    Files.createDirectories(tmpDir);
    return tmpDir.resolve("download-" + DurableFiles.uniqueSuffix() + ".tmp");
  }

  private static String copyHashing(InputStream in, Path to) throws IOException {
    Sha256.Digest d = Sha256.digest();
    byte[] buffer = new byte[1 << 16];
    try (OutputStream out = Files.newOutputStream(to)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        out.write(buffer, 0, n);
        d.update(buffer, 0, n);
      }
    }
    return d.hex();
  }
}
