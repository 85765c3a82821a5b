package dev.drelu.core;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Somewhere a digest computed over files may be remembered while the files stay unchanged, so
 * that a package reading raw data (the dataset fingerprint) can use the artifact store's cache
 * ({@code dev.drelu.store.VerifiedHashes}) without depending on the store.
 */
@FunctionalInterface
public interface DigestCache {
  /** Computes without remembering anything: every call reads the files. */
  DigestCache NONE = (recipe, files, compute) -> compute.get();

  /**
   * @param recipe names how {@code compute} digests the files (a different recipe over the same
   *     files is a different digest); changing what {@code compute} does needs a new recipe
   * @param files every file {@code compute} reads, in the order it reads them
   * @param compute reads the files and returns the digest
   * @return the digest, computed now or remembered from an earlier computation over the same,
   *     unchanged files
   */
  String digest(String recipe, List<Path> files, Computation compute) throws IOException;

  /** The real computation, reading the files. */
  @FunctionalInterface
  interface Computation {
    String get() throws IOException;
  }
}
