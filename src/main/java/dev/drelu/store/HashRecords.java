package dev.drelu.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drelu.core.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads and writes the small JSON files of {@link VerifiedHashes}. Each holds a body and the
 * sha256 of the body's canonical JSON: a file that is truncated, garbled or from another format
 * fails that check and reads as absent, so a damaged record costs a re-hash and is never trusted.
 * Writes go to a unique temporary file renamed into place (a reader sees an old or a new record,
 * never a mix), but are not forced to disk: losing one after a crash only costs a re-hash.
 */
final class HashRecords {
  /** Bump when a body's fields change: records of another format are ignored. */
  static final int FORMAT = 1;

  private HashRecords() {}

  /** What one file of an artifact hashed to, and its stamp when it was read. */
  record FileHash(String sha256, FileStamp stamp) {}

  /** The remembered hashes of one artifact, by the file's path in the artifact folder. */
  record ArtifactBody(Map<String, FileHash> files) {}

  /** A digest over several files (the dataset fingerprint) and their stamps, in order. */
  record DigestBody(String recipe, java.util.List<String> files, java.util.List<FileStamp> stamps, String sha256) {}

  /** @return the record's body, or empty if the file is missing, unreadable or fails its checksum */
  static <T> Optional<T> read(Path file, Class<T> type) {
    try {
      JsonNode root = Json.CANONICAL.readTree(Files.readAllBytes(file));
      if (root == null || root.path("format").asInt(-1) != FORMAT || !root.hasNonNull("body")) {
        return Optional.empty();
      }
      T body = Json.CANONICAL.treeToValue(root.get("body"), type);
      return checksum(body).equals(root.path("checksum").asText()) ? Optional.of(body) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      // missing (nothing remembered yet) or damaged: either way, hash the files again
      return Optional.empty();
    }
  }

  /** Writes a record; a failure (a read-only store) is ignored, since the cache is optional. */
  static void write(Path file, Object body) {
    Map<String, Object> root = new TreeMap<>();
    root.put("format", FORMAT);
    root.put("body", body);
    root.put("checksum", checksum(body));
    Path tmp = file.resolveSibling(file.getFileName() + "." + DurableFiles.uniqueSuffix() + ".tmp");
    try {
      Files.createDirectories(file.getParent());
      Files.write(tmp, Json.canonical(root).getBytes(StandardCharsets.UTF_8));
      DurableFiles.rename(tmp, file);
    } catch (IOException | RuntimeException e) {
      // not remembering only makes the next look-up read the files again
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException e) {
        // a leftover .tmp is never read as a record; `drelu cache gc` removes it
      }
    }
  }

  private static String checksum(Object body) {
    return Sha256.of(Json.canonical(body));
  }
}
