package dev.drelu.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What one stat tells about a file without reading it: size, modification time, status-change
 * time (ctime) and identity (device and inode). If all four are unchanged, the content is taken
 * to be unchanged. ctime is what makes this more than "size and mtime": a program can set a
 * file's mtime back ({@code touch -d}, {@code Files.setLastModifiedTime}) but not its ctime,
 * which the kernel sets to "now" on every write and on every change of the mtime itself.
 *
 * @param size bytes
 * @param modifiedNanos mtime, nanoseconds since the epoch
 * @param changedNanos ctime, nanoseconds since the epoch; {@link #UNKNOWN} where the platform
 *     has no ctime (Windows): there a write that restores size and mtime goes unnoticed
 * @param fileKey device and inode as the platform spells them, or null where it has none
 */
record FileStamp(long size, long modifiedNanos, long changedNanos, String fileKey) {
  /** ctime on a platform without one. */
  static final long UNKNOWN = Long.MIN_VALUE;

  /** Reads the stamp with one stat, following links. */
  static FileStamp of(Path file) throws IOException {
    try {
      Map<String, Object> a = Files.readAttributes(file, "unix:size,lastModifiedTime,ctime,dev,ino");
      return new FileStamp((Long) a.get("size"), nanos((FileTime) a.get("lastModifiedTime")),
          nanos((FileTime) a.get("ctime")), "dev=" + a.get("dev") + ",ino=" + a.get("ino"));
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      // no "unix" attribute view (Windows): size, mtime and whatever identity the platform has
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return new FileStamp(a.size(), nanos(a.lastModifiedTime()), UNKNOWN,
          a.fileKey() == null ? null : a.fileKey().toString());
    }
  }

  /**
   * Whether the file was last changed before {@code instant}. A hash read from a file changed at
   * (or after) that time is not remembered: timestamps are coarse (a few milliseconds on Linux,
   * up to 2 s on FAT), so a second write within the same tick would keep this very stamp.
   */
  boolean changedBefore(Instant instant) {
    long latest = Math.max(modifiedNanos, changedNanos);
    return latest < TimeUnit.SECONDS.toNanos(instant.getEpochSecond()) + instant.getNano();
  }

  private static long nanos(FileTime t) {
    Instant i = t.toInstant();
    return Math.addExact(TimeUnit.SECONDS.toNanos(i.getEpochSecond()), i.getNano());
  }
}
