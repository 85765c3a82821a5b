package dev.drelu.store;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The files of one artifact by name, as local paths: a {@link ArtifactStore.Staging} folder while a
 * stage writes them, an {@link Artifact} once committed. A stage output record holds one, so it
 * can name its own files on both sides and no other class needs their names.
 */
public interface ArtifactFiles {
  /**
   * @param name the file's path inside the artifact ("model.params", "report/index.html")
   * @return a local path of it: where to write it while staging; a readable copy once committed
   * @throws CorruptArtifactException if a committed artifact does not list it, or its copy does
   *     not have the listed size
   */
  Path file(String name) throws IOException;

  /** @return whether the artifact holds (or, staging, already has) the file {@code name} */
  boolean has(String name);

  /** @return the names of every file it holds (staging: has so far), sorted */
  java.util.List<String> names() throws IOException;

  /** @return where the files are, for messages and for people ("Summary: <location>") */
  String location();
}
