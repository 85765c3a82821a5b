package dev.drelu.data;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.ArrowWriter;
import org.apache.arrow.vector.types.pojo.Schema;

/** Writes and inspects Arrow files with the plain Arrow API, independently of the code under test. */
final class ArrowTestFiles {
  private ArrowTestFiles() {}

  /** Writes one record batch of {@code rows} rows, filled by {@code fill}, as an IPC file or stream. */
  static Path write(Path file, Schema schema, int rows, Consumer<VectorSchemaRoot> fill, boolean stream)
      throws IOException {
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);
        ArrowWriter writer = stream ? new ArrowStreamWriter(root, null, ch) : new ArrowFileWriter(root, null, ch)) {
      writer.start();
      root.allocateNew();
      fill.accept(root);
      root.setRowCount(rows);
      writer.writeBatch();
      writer.end();
    }
    return file;
  }

  /** Facts about a file as Arrow itself reads it. */
  record Facts(Schema schema, int batches, int maxBatchRows) {}

  static Facts facts(Path file) throws IOException {
    try (BufferAllocator allocator = new RootAllocator();
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        ArrowFileReader reader = new ArrowFileReader(ch, allocator)) {
      Schema schema = reader.getVectorSchemaRoot().getSchema();
      int batches = 0;
      int maxRows = 0;
      while (reader.loadNextBatch()) {
        batches++;
        maxRows = Math.max(maxRows, reader.getVectorSchemaRoot().getRowCount());
      }
      return new Facts(schema, batches, maxRows);
    }
  }
}
