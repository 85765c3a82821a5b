package dev.drelu.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArrowTablesTest {
  @TempDir Path dir;

  @Test
  void roundTripKeepsValuesTypesOrderAndMetadata() throws IOException {
    ColumnTable t = ColumnTable.builder()
        .addInts("index", new int[] {3, Integer.MIN_VALUE, Integer.MAX_VALUE})
        .addLongs("queries", new long[] {Long.MAX_VALUE, 0, -1})
        .addDoubles("linf", new double[] {0.1, Double.NaN, -0.0})
        .addStrings("label", new String[] {"", "Ünïcödé ✓", "a,b"})
        .metadata("attack", "pgd")
        .metadata("epsilon", "0.3")
        .build();
    Path file = dir.resolve("results.arrow");
    ArrowTables.write(t, file);
    ColumnTable back = ArrowTables.read(file);
    assertEquals(t, back);
    assertEquals(List.of("index", "queries", "linf", "label"), back.columnNames());
    assertEquals(Map.of("attack", "pgd", "epsilon", "0.3"), back.metadata());
    assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(back.doubles("linf")[2]));

    Schema schema = ArrowTestFiles.facts(file).schema();
    assertEquals("column-table", schema.getCustomMetadata().get("drelu.format"));
    assertEquals("1", schema.getCustomMetadata().get("drelu.format_version"));
    assertEquals(new ArrowType.Int(64, true), schema.findField("queries").getType());
    assertEquals(ArrowType.Utf8.INSTANCE, schema.findField("label").getType());
  }

  @Test
  void manyRowsGoInBatchesOfAtMost4096() throws IOException {
    ColumnTable t = ColumnTable.concat(List.of(
        ColumnTableTest.shard(0, 5000), ColumnTableTest.shard(5000, 5000)));
    Path file = dir.resolve("big.arrow");
    ArrowTables.write(t, file);
    ArrowTestFiles.Facts facts = ArrowTestFiles.facts(file);
    assertEquals(3, facts.batches());
    assertEquals(4096, facts.maxBatchRows());
    assertEquals(t, ArrowTables.read(file));
  }

  @Test
  void emptyTableRoundTrips() throws IOException {
    ColumnTable t = ColumnTableTest.shard(0, 0);
    Path file = dir.resolve("empty.arrow");
    ArrowTables.write(t, file);
    assertEquals(t, ArrowTables.read(file));
  }

  @Test
  void reservedMetadataKeysAreRefused() {
    ColumnTable t = ColumnTable.builder().addInts("i", new int[1]).metadata("drelu.format", "x").build();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ArrowTables.write(t, dir.resolve("x.arrow")));
    assertEquals("table metadata must not use the reserved key drelu.format, but was: x", e.getMessage());
  }

  @Test
  void anImageDatasetFileIsNotATable() throws IOException {
    Path file = dir.resolve("prepared.arrow");
    ArrowDatasets.write(ArrowDatasetsTest.dataset(2), file);
    DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> ArrowTables.read(file));
    assertEquals(file + ": expected schema metadata drelu.format=column-table, got image-dataset", e.getMessage());
    // And the other way round.
    Path table = dir.resolve("table.arrow");
    ArrowTables.write(ColumnTableTest.shard(0, 2), table);
    e = assertThrows(DatasetFormatException.class, () -> ArrowDatasets.read(table));
    assertEquals(table + ": expected schema metadata drelu.format=image-dataset, got column-table", e.getMessage());
  }

  @Test
  void nonArrowAndTruncatedFiles() throws IOException {
    Path csv = Files.writeString(dir.resolve("results.csv"), ColumnTableTest.shard(0, 2).toCsv());
    DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> ArrowTables.read(csv));
    assertTrue(e.getMessage().startsWith(csv + ": expected an Arrow IPC file starting with magic \"ARROW1\", got bytes 69 6e 64"),
        e.getMessage());

    Path file = dir.resolve("cut.arrow");
    ArrowTables.write(ColumnTableTest.shard(0, 100), file);
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, bytes.length - 1));
    e = assertThrows(DatasetFormatException.class, () -> ArrowTables.read(file));
    assertTrue(e.getMessage().startsWith(file + ": truncated: "), e.getMessage());
    assertTrue(e.getMessage().endsWith(ArrowIo.recompute(file)), e.getMessage());
  }

  @Test
  void missingMetadataAndUnsupportedColumnType() throws IOException {
    Schema plain = new Schema(List.of(new Field("i", FieldType.notNullable(new ArrowType.Int(32, true)), null)));
    Path noMeta = ArrowTestFiles.write(dir.resolve("nometa.arrow"), plain, 0, root -> {}, false);
    DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> ArrowTables.read(noMeta));
    assertEquals(noMeta + ": expected schema metadata drelu.format, got none (metadata keys: [])", e.getMessage());

    Schema floats = new Schema(
        List.of(new Field("p", FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)), null)),
        Map.of("drelu.format", "column-table", "drelu.format_version", "1"));
    Path f32 = ArrowTestFiles.write(dir.resolve("float32.arrow"), floats, 0, root -> {}, false);
    e = assertThrows(DatasetFormatException.class, () -> ArrowTables.read(f32));
    assertEquals(
        f32 + ": expected column \"p\" to be Int(32, true), Int(64, true), FloatingPoint(DOUBLE) or Utf8,"
            + " got FloatingPoint(SINGLE)",
        e.getMessage());
  }

  @Test
  void nullsAreRejected() throws IOException {
    Schema schema = new Schema(
        List.of(new Field("i", FieldType.nullable(new ArrowType.Int(32, true)), null)),
        Map.of("drelu.format", "column-table", "drelu.format_version", "1"));
    Path file = ArrowTestFiles.write(dir.resolve("nulls.arrow"), schema, 2, root -> {
      ((IntVector) root.getVector("i")).setSafe(0, 1);
      ((IntVector) root.getVector("i")).setNull(1);
    }, false);
    DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> ArrowTables.read(file));
    assertEquals(file + ": expected no nulls, got 1 in column \"i\" of the batch starting at row 0"
        + ArrowIo.recompute(file), e.getMessage());
  }

  @Test
  void readTableMatchesItsCsv() throws IOException {
    ColumnTable t = ColumnTableTest.shard(0, 3);
    Path file = dir.resolve("t.arrow");
    ArrowTables.write(t, file);
    assertEquals(t.toCsv(), ArrowTables.read(file).toCsv());
    assertArrayEquals(t.longs("queries"), ArrowTables.read(file).longs("queries"));
  }
}
