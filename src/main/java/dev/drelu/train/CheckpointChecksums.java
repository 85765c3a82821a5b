package dev.drelu.train;

import dev.drelu.core.Sha256;
import dev.drelu.store.DurableFiles;
import dev.drelu.store.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A checkpoint folder's {@code checksums.json}: the size and sha256 of every file in it. It is
 * written last, so a folder whose files all match it is complete and unaltered; anything else
 * (a kill mid-write, a truncated or flipped file) is refused before one byte is loaded.
 *
 * @param formatVersion {@link #FORMAT_VERSION}
 * @param epoch the completed epochs the checkpoint holds
 * @param files file name to its sha256 and size
 */
record CheckpointChecksums(int formatVersion, int epoch, Map<String, FileEntry> files) {
  static final String FILE = "checksums.json";
  static final int FORMAT_VERSION = 1;

  CheckpointChecksums {
    files = files == null ? Map.of() : Map.copyOf(files);
  }

  /** One file of a checkpoint. */
  record FileEntry(String sha256, long bytes) {}

  /** @return the checksums of {@code names} in {@code dir} as they are now */
  static CheckpointChecksums of(Path dir, int epoch, List<String> names) throws IOException {
    Map<String, FileEntry> files = new TreeMap<>();
    for (String name : names) {
      Path f = dir.resolve(name);
      files.put(name, new FileEntry(Sha256.of(f), Files.size(f)));
    }
    return new CheckpointChecksums(FORMAT_VERSION, epoch, files);
  }

  /** Writes {@code checksums.json} into {@code dir} and forces it to disk. */
  void write(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    Files.write(file, Json.CANONICAL.writerWithDefaultPrettyPrinter().writeValueAsBytes(this));
    DurableFiles.fsync(file);
  }

  /**
   * Reads a folder's checksums and checks every file against them.
   *
   * @param required the files a usable checkpoint must have
   * @throws BadCheckpointException naming the file and what is wrong with it
   */
  static CheckpointChecksums verify(Path dir, List<String> required) throws BadCheckpointException {
    Path file = dir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      throw new BadCheckpointException(file + ": missing (the checkpoint was never completed)");
    }
    CheckpointChecksums sums;
    try {
      sums = Json.CANONICAL.readValue(file.toFile(), CheckpointChecksums.class);
    } catch (IOException e) {
      throw new BadCheckpointException(file + ": unreadable (" + firstLine(e) + ")");
    }
    if (sums.formatVersion() != FORMAT_VERSION) {
      throw new BadCheckpointException(file + ": format version " + sums.formatVersion()
          + ", this drelu reads " + FORMAT_VERSION);
    }
    for (String name : required) {
      if (!sums.files().containsKey(name)) {
        throw new BadCheckpointException(file + ": does not list " + name);
      }
    }
    for (Map.Entry<String, FileEntry> e : sums.files().entrySet()) {
      sums.check(dir, e.getKey());
    }
    return sums;
  }

  /** Checks one listed file of {@code dir} against these checksums. */
  void check(Path dir, String name) throws BadCheckpointException {
    Path f = dir.resolve(name);
    FileEntry expected = files.get(name);
    if (expected == null) {
      throw new BadCheckpointException(dir.resolve(FILE) + ": does not list " + name);
    }
    try {
      if (!Files.isRegularFile(f)) {
        throw new BadCheckpointException(f + ": missing");
      }
      long size = Files.size(f);
      if (size != expected.bytes()) {
        throw new BadCheckpointException(f + ": truncated or grown: expected " + expected.bytes()
            + " bytes, found " + size);
      }
      String sha = Sha256.of(f);
      if (!sha.equals(expected.sha256())) {
        throw new BadCheckpointException(f + ": content changed: expected sha256 " + expected.sha256()
            + ", found " + sha);
      }
    } catch (BadCheckpointException e) {
      throw e;
    } catch (IOException e) {
      throw new BadCheckpointException(f + ": cannot be read (" + firstLine(e) + ")");
    }
  }

  private static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
