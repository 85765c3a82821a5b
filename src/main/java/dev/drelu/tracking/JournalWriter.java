package dev.drelu.tracking;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

/**
 * Appends events to one journal file owned by one tracker, so trackers in many threads or
 * workers never share a file. The file is created on the first event and locked while open,
 * which makes a concurrent sync leave it alone.
 */
final class JournalWriter implements Closeable {
  // Sortable UTC stamp: file names order journals by creation time.
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'");

  private final Path dir;
  private Path file;
  private FileChannel channel;
  private FileLock lock;
  private long seq;

  JournalWriter(Path dir) {
    this.dir = dir;
  }

  /** The journal file, or null before the first event. */
  synchronized Path file() {
    return file;
  }

  /** Events written so far. */
  synchronized long count() {
    return seq;
  }

  /**
   * Appends one event as one line, giving it the next sequence number. The line goes to the OS at
   * once, so a crash of this JVM loses nothing; {@link #close()} fsyncs.
   *
   * @throws UncheckedIOException if the journal cannot be written (the message names the file)
   */
  synchronized void append(JournalEvent event) {
    try {
      open();
      byte[] line = (JournalFiles.encode(event.withSeq(seq + 1)) + "\n").getBytes(StandardCharsets.UTF_8);
      ByteBuffer buf = ByteBuffer.wrap(line);
      while (buf.hasRemaining()) {
        channel.write(buf);
      }
      seq++;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the tracking journal " + (file != null ? file : dir)
          + ": " + e.getMessage() + "; free disk space or choose another journal folder", e);
    }
  }

  /**
   * Copies a file next to the journal so the journaled upload still works after the original is
   * gone (artifacts are often temporary files).
   *
   * @return the copy's path relative to the journal folder
   */
  synchronized String stash(Path source) {
    try {
      open();
      Path target = JournalFiles.stashDir(file).resolve(String.valueOf(seq + 1)).resolve(source.getFileName());
      Files.createDirectories(target.getParent());
      Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
      return dir.relativize(target).toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy artifact " + source + " into the tracking journal folder "
          + dir + ": " + e.getMessage() + "; free disk space or choose another journal folder", e);
    }
  }

  private void open() throws IOException {
    if (channel != null) {
      return;
    }
    Files.createDirectories(dir);
    String stamp = ZonedDateTime.now(ZoneOffset.UTC).format(STAMP);
    file = dir.resolve(stamp + "-" + UUID.randomUUID() + JournalFiles.SUFFIX);
    channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    lock = channel.lock();
  }

  /** Fsyncs and closes the journal; safe to call twice. */
  @Override
  public synchronized void close() {
    if (channel == null) {
      return;
    }
    try {
      channel.force(true);
      lock.release();
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close the tracking journal " + file + ": " + e.getMessage(), e);
    } finally {
      channel = null;
    }
  }
}
