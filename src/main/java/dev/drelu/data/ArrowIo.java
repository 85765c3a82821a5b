package dev.drelu.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * File-level plumbing shared by {@link ArrowDatasets} and {@link ArrowTables}: atomic writes, and
 * reads that turn every way an Arrow IPC file can be broken into a {@link DatasetFormatException}
 * naming the file.
 */
final class ArrowIo {
  /** Rows per record batch: small enough that a batch of MNIST images is ~13 MB. */
  static final int MAX_BATCH_ROWS = 4096;
  static final String FORMAT_KEY = "drelu.format";
  static final String VERSION_KEY = "drelu.format_version";

  private static final byte[] MAGIC = "ARROW1".getBytes(StandardCharsets.US_ASCII);
  // Arrow's own minimum: leading magic + padding, footer length, trailing magic.
  private static final int MIN_FILE_BYTES = 2 * MAGIC.length + 4 + 1;

  private ArrowIo() {}

  /** Writes the body of an Arrow file to an open channel. */
  interface ChannelWriter {
    void write(FileChannel channel) throws IOException;
  }

  /** Receives the schema once, then each record batch loaded into the same root. */
  interface BatchVisitor {
    void schema(Schema schema) throws DatasetFormatException;

    void batch(VectorSchemaRoot root) throws DatasetFormatException;
  }

  /**
   * Writes to a temporary sibling of {@code target} and renames it into place, so a reader never
   * sees a half-written file and a failed write leaves nothing behind.
   */
  static void writeAtomically(Path target, ChannelWriter body) throws IOException {
    Path abs = target.toAbsolutePath();
    // Not Files.createTempFile: it makes the file owner-only (rw-------), and the artifact must keep
    // the umask's permissions so other workers on a shared filesystem can read it.
    Path tmp = abs.resolveSibling("." + abs.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      try (FileChannel ch =
          FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        body.write(ch);
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Reads an Arrow IPC file with its own allocator, which is closed (and checks for leaks) before
   * returning.
   *
   * @throws DatasetFormatException if the file is not an Arrow IPC file, is truncated or corrupt,
   *     or the visitor rejects its contents
   */
  static void read(Path file, BatchVisitor visitor) throws IOException {
    checkMagic(file);
    try (BufferAllocator allocator = new RootAllocator();
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        ArrowFileReader reader = new ArrowFileReader(ch, allocator)) {
      VectorSchemaRoot root;
      List<ArrowBlock> blocks;
      try {
        root = reader.getVectorSchemaRoot();
        blocks = reader.getRecordBlocks();
      } catch (IOException | RuntimeException e) {
        throw corrupt(file, e);
      }
      visitor.schema(root.getSchema());
      for (ArrowBlock block : blocks) {
        try {
          reader.loadRecordBatch(block);
          visitor.batch(root);
        } catch (DatasetFormatException e) {
          throw e;
        } catch (IOException | RuntimeException e) {
          // a batch whose buffers do not hold what its header says fails while it is loaded or read
          throw corrupt(file, e);
        }
      }
    }
  }

  /**
   * Checks both ARROW1 magics before Arrow sees the file, because Arrow's own errors for a
   * foreign or cut file ("missing Magic number [...]") do not say which of the two it is.
   */
  private static void checkMagic(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      ByteBuffer head = ByteBuffer.allocate((int) Math.min(size, 8));
      while (head.hasRemaining() && ch.read(head) >= 0) {}
      byte[] start = head.array();
      if (!startsWithMagic(start)) {
        boolean stream = start.length >= 4 && head.getInt(0) == 0xFFFFFFFF;
        throw new DatasetFormatException(
            file,
            "expected an Arrow IPC file starting with magic \"ARROW1\", got "
                + (stream ? "an Arrow IPC stream (write it with ArrowFileWriter, not ArrowStreamWriter)"
                    : size == 0 ? "an empty file" : "bytes " + hex(start)));
      }
      ByteBuffer tail = ByteBuffer.allocate(MAGIC.length);
      if (size >= MIN_FILE_BYTES) {
        ch.position(size - MAGIC.length);
        while (tail.hasRemaining() && ch.read(tail) >= 0) {}
      }
      if (size < MIN_FILE_BYTES || !java.util.Arrays.equals(tail.array(), MAGIC)) {
        throw new DatasetFormatException(
            file,
            "truncated: expected an Arrow IPC file ending with the footer and magic \"ARROW1\","
                + " got " + size + " bytes without them" + recompute(file));
      }
    }
  }

  private static boolean startsWithMagic(byte[] start) {
    if (start.length < MAGIC.length) {
      return false;
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (start[i] != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  private static DatasetFormatException corrupt(Path file, Exception e) {
    return new DatasetFormatException(
        file, "corrupt Arrow IPC file: " + e.getClass().getSimpleName() + ": " + e.getMessage() + recompute(file), e);
  }

  /**
   * What to do about a damaged Arrow file: drelu's Arrow files are store artifacts, which a run
   * recomputes when their folder is gone.
   */
  static String recompute(Path file) {
    Path folder = file.toAbsolutePath().getParent();
    return "; the file is damaged: delete its artifact folder " + folder + " and run the pipeline again to"
        + " recompute it (drelu cache verify lists every damaged artifact)";
  }

  /**
   * Checks the {@code drelu.format} and {@code drelu.format_version} schema metadata.
   *
   * @throws DatasetFormatException naming the key, the expected and the found value
   */
  static void checkFormat(Path file, Schema schema, String format, int version)
      throws DatasetFormatException {
    String found = metadata(file, schema, FORMAT_KEY);
    if (!found.equals(format)) {
      throw new DatasetFormatException(
          file, "expected schema metadata " + FORMAT_KEY + "=" + format + ", got " + found);
    }
    String v = metadata(file, schema, VERSION_KEY);
    if (!v.equals(Integer.toString(version))) {
      throw new DatasetFormatException(
          file,
          "expected schema metadata " + VERSION_KEY + "=" + version + " (the version this reader"
              + " knows), got " + v);
    }
  }

  /** @return the value of schema metadata {@code key}, which must be present */
  static String metadata(Path file, Schema schema, String key) throws DatasetFormatException {
    Map<String, String> meta = schema.getCustomMetadata();
    String value = meta == null ? null : meta.get(key);
    if (value == null) {
      throw new DatasetFormatException(
          file,
          "expected schema metadata " + key + ", got none (metadata keys: "
              + (meta == null ? "[]" : new java.util.TreeSet<>(meta.keySet())) + ")");
    }
    return value;
  }

  /** @return schema metadata {@code key} parsed as a positive int */
  static int positiveInt(Path file, Schema schema, String key) throws DatasetFormatException {
    String value = metadata(file, schema, key);
    try {
      int v = Integer.parseInt(value);
      if (v > 0) {
        return v;
      }
    } catch (NumberFormatException e) {
      // Reported below with the offending text.
    }
    throw new DatasetFormatException(
        file, "expected schema metadata " + key + " to be a positive integer, got \"" + value + "\"");
  }

  /** @return the field {@code name} of the given type */
  static Field field(Path file, Schema schema, String name, ArrowType type)
      throws DatasetFormatException {
    Field field = schema.getFields().stream().filter(f -> f.getName().equals(name)).findFirst()
        .orElseThrow(() -> new DatasetFormatException(
            file, "expected a column \"" + name + "\" of type " + type + ", got columns " + names(schema)));
    if (!field.getType().equals(type)) {
      throw new DatasetFormatException(
          file, "expected column \"" + name + "\" of type " + type + ", got " + field.getType());
    }
    return field;
  }

  static List<String> names(Schema schema) {
    return schema.getFields().stream().map(Field::getName).toList();
  }

  private static String hex(byte[] bytes) {
    StringBuilder s = new StringBuilder();
    for (byte b : bytes) {
      s.append(s.length() == 0 ? "" : " ").append(String.format("%02x", b & 0xFF));
    }
    return s.toString();
  }
}
