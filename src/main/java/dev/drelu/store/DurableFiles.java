package dev.drelu.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Writes that survive a crash or a power cut: data is forced to disk before a rename makes it
 * visible, and names of temporary files are unique per process (pid + random), so two
 * processes never write into each other's files.
 */
public final class DurableFiles {
  private static final SecureRandom RANDOM = new SecureRandom();

  private DurableFiles() {}

  /** @return a name part no other process or call will produce: this pid and 48 random bits */
  public static String uniqueSuffix() {
    byte[] bits = new byte[6];
    RANDOM.nextBytes(bits);
    return ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(bits);
  }

  /** Forces a file's content to disk. */
  public static void fsync(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /**
   * Forces a folder's entries (creations, renames, deletions) to disk. Some platforms cannot
   * open a folder for this; there the rename is as durable as the OS makes it, and nothing more
   * can be done.
   */
  public static void fsyncFolder(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      if (!Files.isDirectory(dir)) {
        throw new IOException(dir + ": cannot sync a folder that does not exist", e);
      }
    }
  }

  /**
   * Replaces {@code target} by {@code content} atomically: a reader (or a run after a crash)
   * sees the old content or the new one, never a mix. The content goes to a temporary file with
   * a unique name next to the target, which is forced to disk and renamed over the target.
   */
  public static void replace(Path target, byte[] content) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + "." + uniqueSuffix() + ".tmp");
    try {
      Files.write(tmp, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      fsync(tmp);
      rename(tmp, target);
      fsyncFolder(target.getParent());
    } finally {
      Files.deleteIfExists(tmp); // gone after a successful rename; a failure leaves nothing behind
    }
  }

  /** Renames atomically, replacing {@code to} if it exists. */
  public static void rename(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("cannot rename " + from + " to " + to + " atomically: drelu needs a file system with "
          + "atomic renames (a local disk or a POSIX shared file system)", e);
    }
  }
}
