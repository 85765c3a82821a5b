package dev.drelu.train;

import dev.drelu.core.Sha256;
import dev.drelu.store.DurableFiles;
import dev.drelu.store.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code LATEST} file: which checkpoint folder is current. Switching it is the one atomic
 * step that makes a new checkpoint the one a rerun resumes from. It carries the sha256 of the
 * folder's {@code checksums.json}, so it can only name that exact content, and a sha256 of
 * itself, so a damaged pointer is recognised rather than followed.
 *
 * @param folder the checkpoint folder's name (not a path: the work folder may move)
 * @param checksums sha256 of that folder's {@code checksums.json}
 * @param sha256 sha256 of {@code folder + "\n" + checksums}
 */
record CheckpointPointer(String folder, String checksums, String sha256) {
  static final String FILE = "LATEST";

  /** @return the pointer to {@code folder}, whose checksums file is already written */
  static CheckpointPointer to(Path folder) throws IOException {
    String name = folder.getFileName().toString();
    String sums = Sha256.of(folder.resolve(CheckpointChecksums.FILE));
    return new CheckpointPointer(name, sums, selfSum(name, sums));
  }

  /** Atomically replaces {@code workDir/LATEST} with this pointer (temp file, fsync, rename). */
  void write(Path workDir) throws IOException {
    DurableFiles.replace(workDir.resolve(FILE), bytes());
  }

  byte[] bytes() {
    return (Json.canonical(this) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /**
   * @return the pointer in {@code workDir}, or null if there is none
   * @throws BadCheckpointException if it is unreadable or its own checksum does not match
   */
  static CheckpointPointer read(Path workDir) throws BadCheckpointException {
    Path file = workDir.resolve(FILE);
    if (!Files.exists(file)) {
      return null;
    }
    CheckpointPointer p;
    try {
      p = Json.CANONICAL.readValue(file.toFile(), CheckpointPointer.class);
    } catch (IOException e) {
      throw new BadCheckpointException(file + ": unreadable pointer (" + e.getClass().getSimpleName() + ")");
    }
    if (p == null || p.folder() == null || p.checksums() == null
        || !selfSum(p.folder(), p.checksums()).equals(p.sha256())) {
      throw new BadCheckpointException(file + ": the pointer's own checksum does not match its content");
    }
    if (!Checkpoints.isFolderName(p.folder())) {
      throw new BadCheckpointException(file + ": names '" + p.folder() + "', which is not a checkpoint folder");
    }
    return p;
  }

  /**
   * @throws BadCheckpointException if {@code folder}'s checksums file is not the one this
   *     pointer was written for
   */
  void matches(Path folder) throws BadCheckpointException {
    Path sums = folder.resolve(CheckpointChecksums.FILE);
    try {
      if (!Sha256.of(sums).equals(checksums)) {
        throw new BadCheckpointException(sums + ": differs from the one " + FILE + " was written for");
      }
    } catch (BadCheckpointException e) {
      throw e;
    } catch (IOException e) {
      throw new BadCheckpointException(sums + ": cannot be read (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static String selfSum(String folder, String checksums) {
    return Sha256.of((folder + "\n" + checksums).getBytes(StandardCharsets.UTF_8));
  }
}
