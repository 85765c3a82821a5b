package dev.drelu.store;

import dev.drelu.core.CodeVersion;
import dev.drelu.core.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A manifest's bytes and its seal, the same for every store: what a commit writes and how a
 * reader checks it, whether the bytes come from a file or an object.
 */
final class ManifestCodec {
  private ManifestCodec() {}

  /** @return a new manifest of the staged files: every file's sha256 and size */
  static Manifest of(ArtifactStore.Staging staging, int stageVersion, Map<String, ?> params, List<String> inputKeys,
      Map<String, String> summary, Map<String, String> extraProvenance) throws IOException {
    Map<String, Manifest.FileEntry> files = new TreeMap<>();
    for (String name : staging.names()) {
      Path f = staging.file(name);
      files.put(name, new Manifest.FileEntry(Sha256.of(f), Files.size(f)));
    }
    Map<String, String> provenance = provenance();
    provenance.putAll(extraProvenance);
    return new Manifest(Manifest.FORMAT_VERSION, staging.stage(), stageVersion, staging.key(),
        new TreeMap<>(params), inputKeys, files, summary, provenance);
  }

  /** @return the manifest as a commit writes it (canonical, pretty-printed JSON) */
  static byte[] bytes(Manifest manifest) throws IOException {
    return Json.CANONICAL.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
  }

  /** @return the seal of the manifest's bytes, as {@code manifest.sha256} holds it */
  static String seal(byte[] manifestBytes) {
    return Sha256.of(manifestBytes) + "\n";
  }

  /**
   * @param where the manifest's file or object, for messages
   * @param seal the content of its {@code manifest.sha256}, or null if it has none (older artifacts)
   * @throws CorruptArtifactException if it is unreadable or does not match its seal
   */
  static Manifest read(byte[] bytes, String seal, String where) throws CorruptArtifactException {
    Manifest m;
    try {
      m = Json.CANONICAL.readValue(bytes, Manifest.class);
    } catch (IOException e) {
      // Jackson's message continues with the source location on later lines
      String why = String.valueOf(e.getMessage()).lines().findFirst().orElse(e.getClass().getSimpleName());
      throw new CorruptArtifactException(where + ": unreadable manifest: " + why);
    }
    if (seal != null) {
      String expected = seal.strip();
      String actual = Sha256.of(bytes);
      if (!actual.equals(expected)) {
        throw new CorruptArtifactException(where + ": expected sha256 " + expected + " ("
            + ArtifactStore.MANIFEST_SHA256 + "), got " + actual + ": the manifest changed after its commit");
      }
    }
    return m;
  }

  /** @return a seal file's content, or null if it has none */
  static String readSeal(Path file) throws IOException {
    return Files.isRegularFile(file) ? new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1) : null;
  }

  private static Map<String, String> provenance() {
    Map<String, String> p = new TreeMap<>();
    p.put("code_version", CodeVersion.get());
    p.put("created", Instant.now().toString());
    p.put("java", System.getProperty("java.version"));
    p.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    return p;
  }
}
