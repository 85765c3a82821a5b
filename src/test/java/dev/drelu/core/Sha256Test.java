package dev.drelu.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one SHA-256 helper against the FIPS 180-2 test vectors, for bytes, text, files and streams. */
class Sha256Test {
  private static final String EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  private static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  private static final String MILLION_A = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";

  @TempDir Path dir;

  @Test
  void bytesAndTextMatchTheKnownVectors() {
    assertEquals(EMPTY, Sha256.of(new byte[0]));
    assertEquals(ABC, Sha256.of("abc".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(ABC, Sha256.of("abc"));
    // text is hashed as UTF-8: "é" is two bytes
    assertEquals(Sha256.of(new byte[] {(byte) 0xC3, (byte) 0xA9}), Sha256.of("é"));
  }

  @Test
  void aFileLongerThanTheReadBufferMatchesTheKnownVector() throws IOException {
    byte[] a = new byte[1_000_000]; // 15 and a bit 64 KiB reads
    Arrays.fill(a, (byte) 'a');
    Path f = Files.write(dir.resolve("a.bin"), a);
    assertEquals(MILLION_A, Sha256.of(f));
    assertEquals(MILLION_A, Sha256.of(a));
    assertEquals(EMPTY, Sha256.of(Files.write(dir.resolve("empty"), new byte[0])));
  }

  @Test
  void aStreamOfPiecesEqualsTheHashOfTheirConcatenation() throws IOException {
    Path bc = Files.writeString(dir.resolve("bc"), "bc");
    assertEquals(ABC, Sha256.digest().update((byte) 'a').update(bc).hex());
    assertEquals(ABC, Sha256.digest().update("ab".getBytes(StandardCharsets.US_ASCII)).update((byte) 'c').hex());
    assertTrue(Sha256.digest().hex().equals(EMPTY));
  }

  @Test
  void aMissingFileIsAnErrorNamingIt() {
    Path gone = dir.resolve("gone.bin");
    NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Sha256.of(gone));
    assertTrue(e.getMessage().contains(gone.toString()), e.getMessage());
  }
}
