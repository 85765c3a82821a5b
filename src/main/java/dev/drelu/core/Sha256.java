package dev.drelu.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The one place drelu computes SHA-256: of bytes, of text (UTF-8), of a file's content, or of a
 * stream of pieces ({@link Digest}) for fingerprints over several files. Always lower-case hex,
 * so every hash drelu records or compares is spelt the same way.
 */
public final class Sha256 {
  private static final int BUFFER = 1 << 16;

  private Sha256() {}

  /** @return the hex sha256 of {@code bytes} */
  public static String of(byte[] bytes) {
    return digest().update(bytes).hex();
  }

  /** @return the hex sha256 of the UTF-8 bytes of {@code text} */
  public static String of(String text) {
    return of(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * @return the hex sha256 of a file's content, read in full
   * @throws IOException if the file cannot be read (the exception names it)
   */
  public static String of(Path file) throws IOException {
    return digest().update(file).hex();
  }

  /** @return an empty streaming digest */
  public static Digest digest() {
    return new Digest();
  }

  /** A digest fed piece by piece: bytes, single bytes and whole files, in order. */
  public static final class Digest {
    private final MessageDigest md;

    private Digest() {
      try {
        md = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("this JVM has no SHA-256", e);
      }
    }

    public Digest update(byte[] bytes) {
      md.update(bytes);
      return this;
    }

    /** Feeds {@code length} bytes of {@code bytes} from {@code offset} (a read buffer's filled part). */
    public Digest update(byte[] bytes, int offset, int length) {
      md.update(bytes, offset, length);
      return this;
    }

    public Digest update(byte b) {
      md.update(b);
      return this;
    }

    /** Feeds a file's whole content. */
    public Digest update(Path file) throws IOException {
      byte[] buffer = new byte[BUFFER];
      try (InputStream in = Files.newInputStream(file)) {
        for (int n; (n = in.read(buffer)) > 0; ) {
          md.update(buffer, 0, n);
        }
      }
      return this;
    }

    /** @return the hex digest of everything fed; the digest is spent afterwards */
    public String hex() {
      return HexFormat.of().formatHex(md.digest());
    }
  }
}
