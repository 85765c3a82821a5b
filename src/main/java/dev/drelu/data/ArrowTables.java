package dev.drelu.data;

import dev.drelu.data.ColumnTable.ColumnType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Stores a {@link ColumnTable} as an Arrow IPC file: one non-nullable column per table column
 * (int32, int64, float64, utf8), the table's metadata plus {@code drelu.format=column-table} and
 * {@code drelu.format_version=1} as schema metadata, record batches of at most 4096 rows.
 */
public final class ArrowTables {
  /** Value of {@code drelu.format} for this layout. */
  public static final String FORMAT = "column-table";
  /** Layout version; bump it when the layout changes. */
  public static final int FORMAT_VERSION = 1;

  private static final Map<ColumnType, ArrowType> ARROW_TYPES = Map.of(
      ColumnType.INT32, new ArrowType.Int(32, true),
      ColumnType.INT64, new ArrowType.Int(64, true),
      ColumnType.FLOAT64, new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE),
      ColumnType.UTF8, ArrowType.Utf8.INSTANCE);

  private ArrowTables() {}

  /**
   * Writes {@code table} to {@code file}, replacing it atomically.
   *
   * @param table the table to store
   * @param file target file; its folder must exist
   * @throws IllegalArgumentException if the table's metadata uses a reserved key ({@code
   *     drelu.format}, {@code drelu.format_version})
   * @throws IOException if the file cannot be written
   */
  public static void write(ColumnTable table, Path file) throws IOException {
    for (String reserved : List.of(ArrowIo.FORMAT_KEY, ArrowIo.VERSION_KEY)) {
      if (table.metadata().containsKey(reserved)) {
        throw new IllegalArgumentException(
            "table metadata must not use the reserved key " + reserved + ", but was: "
                + table.metadata().get(reserved));
      }
    }
    List<Field> fields = new ArrayList<>();
    for (String name : table.columnNames()) {
      fields.add(new Field(name, FieldType.notNullable(ARROW_TYPES.get(table.type(name))), null));
    }
    Map<String, String> meta = new HashMap<>(table.metadata());
    meta.put(ArrowIo.FORMAT_KEY, FORMAT);
    meta.put(ArrowIo.VERSION_KEY, Integer.toString(FORMAT_VERSION));
    Schema schema = new Schema(fields, meta);
    Map<String, Object> columns = columnValues(table);
    ArrowIo.writeAtomically(file, channel -> {
      try (BufferAllocator allocator = new RootAllocator();
          VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
          ArrowFileWriter writer = new ArrowFileWriter(root, null, channel)) {
        writer.start();
        for (int start = 0; start < table.rowCount(); start += ArrowIo.MAX_BATCH_ROWS) {
          int rows = Math.min(ArrowIo.MAX_BATCH_ROWS, table.rowCount() - start);
          root.allocateNew();
          for (Map.Entry<String, Object> c : columns.entrySet()) {
            fill(root.getVector(c.getKey()), c.getValue(), start, rows);
          }
          root.setRowCount(rows);
          writer.writeBatch();
        }
        writer.end();
      }
    });
  }

  /** @return each column's values, copied out of the table once rather than once per batch */
  private static Map<String, Object> columnValues(ColumnTable table) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (String name : table.columnNames()) {
      out.put(name, switch (table.type(name)) {
        case INT32 -> table.ints(name);
        case INT64 -> table.longs(name);
        case FLOAT64 -> table.doubles(name);
        case UTF8 -> table.strings(name);
      });
    }
    return out;
  }

  private static void fill(FieldVector v, Object values, int start, int rows) {
    for (int r = 0; r < rows; r++) {
      if (values instanceof int[] a) {
        ((IntVector) v).setSafe(r, a[start + r]);
      } else if (values instanceof long[] a) {
        ((BigIntVector) v).setSafe(r, a[start + r]);
      } else if (values instanceof double[] a) {
        ((Float8Vector) v).setSafe(r, a[start + r]);
      } else {
        ((VarCharVector) v).setSafe(r, ((String[]) values)[start + r].getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  /**
   * Reads a file written by {@link #write}.
   *
   * @param file an Arrow IPC file
   * @return the table, with the {@code drelu.format*} keys removed from its metadata
   * @throws DatasetFormatException if the file is not an Arrow IPC file, is truncated or corrupt,
   *     lacks {@code drelu.format=column-table} or {@code drelu.format_version=1}, has a column of
   *     another type, or holds nulls
   * @throws IOException if the file cannot be read at all
   */
  public static ColumnTable read(Path file) throws IOException {
    Collector c = new Collector(file);
    ArrowIo.read(file, c);
    return c.table();
  }

  /** Checks the schema, turns each batch into a table, and stacks them at the end. */
  private static final class Collector implements ArrowIo.BatchVisitor {
    private final Path file;
    private final Map<String, ColumnType> types = new LinkedHashMap<>();
    private final Map<String, String> metadata = new HashMap<>();
    private final List<ColumnTable> batches = new ArrayList<>();
    private int rows;

    Collector(Path file) {
      this.file = file;
    }

    @Override
    public void schema(Schema schema) throws DatasetFormatException {
      ArrowIo.checkFormat(file, schema, FORMAT, FORMAT_VERSION);
      metadata.putAll(schema.getCustomMetadata());
      metadata.remove(ArrowIo.FORMAT_KEY);
      metadata.remove(ArrowIo.VERSION_KEY);
      if (schema.getFields().isEmpty()) {
        throw new DatasetFormatException(file, "expected at least one column, got none");
      }
      for (Field f : schema.getFields()) {
        ColumnType type = ARROW_TYPES.entrySet().stream()
            .filter(e -> e.getValue().equals(f.getType()))
            .map(Map.Entry::getKey)
            .findFirst()
            .orElseThrow(() -> new DatasetFormatException(
                file,
                "expected column \"" + f.getName() + "\" to be Int(32, true), Int(64, true),"
                    + " FloatingPoint(DOUBLE) or Utf8, got " + f.getType()));
        if (types.put(f.getName(), type) != null) {
          throw new DatasetFormatException(
              file, "expected unique column names, got \"" + f.getName() + "\" twice");
        }
      }
    }

    @Override
    public void batch(VectorSchemaRoot root) throws DatasetFormatException {
      int n = root.getRowCount();
      ColumnTable.Builder b = ColumnTable.builder();
      metadata.forEach(b::metadata);
      for (Map.Entry<String, ColumnType> e : types.entrySet()) {
        String name = e.getKey();
        FieldVector v = root.getVector(name);
        if (v.getNullCount() > 0) {
          throw new DatasetFormatException(
              file, "expected no nulls, got " + v.getNullCount() + " in column \"" + name
                  + "\" of the batch starting at row " + rows
                  + ArrowIo.recompute(file)); // drelu never writes nulls: the file is damaged
        }
        switch (e.getValue()) {
          case INT32 -> {
            int[] a = new int[n];
            for (int r = 0; r < n; r++) {
              a[r] = ((IntVector) v).get(r);
            }
            b.addInts(name, a);
          }
          case INT64 -> {
            long[] a = new long[n];
            for (int r = 0; r < n; r++) {
              a[r] = ((BigIntVector) v).get(r);
            }
            b.addLongs(name, a);
          }
          case FLOAT64 -> {
            double[] a = new double[n];
            for (int r = 0; r < n; r++) {
              a[r] = ((Float8Vector) v).get(r);
            }
            b.addDoubles(name, a);
          }
          case UTF8 -> {
            String[] a = new String[n];
            for (int r = 0; r < n; r++) {
              a[r] = new String(((VarCharVector) v).get(r), StandardCharsets.UTF_8);
            }
            b.addStrings(name, a);
          }
        }
      }
      batches.add(b.build());
      rows += n;
    }

    ColumnTable table() {
      if (!batches.isEmpty()) {
        return ColumnTable.concat(batches);
      }
      // A table with no rows is written as a file with no batches: rebuild its empty columns.
      ColumnTable.Builder b = ColumnTable.builder();
      metadata.forEach(b::metadata);
      types.forEach((name, type) -> {
        switch (type) {
          case INT32 -> b.addInts(name, new int[0]);
          case INT64 -> b.addLongs(name, new long[0]);
          case FLOAT64 -> b.addDoubles(name, new double[0]);
          case UTF8 -> b.addStrings(name, new String[0]);
        }
      });
      return b.build();
    }
  }
}
