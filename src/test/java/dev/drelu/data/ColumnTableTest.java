package dev.drelu.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.drelu.data.ColumnTable.ColumnType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ColumnTableTest {
  /** A shard of attack results: the shape the attack stage writes. */
  static ColumnTable shard(int from, int rows) {
    int[] index = new int[rows];
    long[] queries = new long[rows];
    double[] norm = new double[rows];
    String[] note = new String[rows];
    for (int i = 0; i < rows; i++) {
      index[i] = from + i;
      queries[i] = 10_000_000_000L + i;
      norm[i] = (from + i) / 3.0;
      note[i] = i % 2 == 0 ? "ok" : "robust, \"clean\"";
    }
    return ColumnTable.builder()
        .addInts("index", index)
        .addLongs("queries", queries)
        .addDoubles("linf", norm)
        .addStrings("note", note)
        .metadata("attack", "pgd")
        .build();
  }

  @Test
  void gettersReturnWhatWasAdded() {
    ColumnTable t = shard(5, 3);
    assertEquals(3, t.rowCount());
    assertEquals(List.of("index", "queries", "linf", "note"), t.columnNames());
    assertEquals(ColumnType.INT64, t.type("queries"));
    assertArrayEquals(new int[] {5, 6, 7}, t.ints("index"));
    assertArrayEquals(new long[] {10_000_000_000L, 10_000_000_001L, 10_000_000_002L}, t.longs("queries"));
    assertArrayEquals(new double[] {5 / 3.0, 2.0, 7 / 3.0}, t.doubles("linf"));
    assertArrayEquals(new String[] {"ok", "robust, \"clean\"", "ok"}, t.strings("note"));
    assertEquals(Map.of("attack", "pgd"), t.metadata());
  }

  @Test
  void tableIsImmutable() {
    int[] index = {1, 2};
    ColumnTable t = ColumnTable.builder().addInts("index", index).build();
    index[0] = 99;
    t.ints("index")[1] = 99;
    assertArrayEquals(new int[] {1, 2}, t.ints("index"));
    assertThrows(UnsupportedOperationException.class, () -> t.metadata().put("k", "v"));
  }

  @Test
  void missingColumnNamesItAndThePresentOnes() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> shard(0, 2).ints("label"));
    assertEquals("no column \"label\"; columns are: [index, queries, linf, note]", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> shard(0, 2).ints("linf"));
    assertEquals("column \"linf\" is FLOAT64, not INT32", e.getMessage());
  }

  @Test
  void builderChecks() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ColumnTable.builder().addInts("a", new int[2]).addDoubles("b", new double[3]).build());
    assertEquals("columns must have equal lengths, but \"b\" has 3 rows and \"a\" has 2", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> ColumnTable.builder().addInts("a", new int[2]).addLongs("a", new long[2]));
    assertEquals("column names must be unique, but \"a\" was added twice", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ColumnTable.builder().build());
    assertEquals("a ColumnTable needs at least one column, but none was added", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> ColumnTable.builder().addStrings("s", new String[] {"x", null}));
    assertEquals("column \"s\" must not hold nulls, but row 1 was: null", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ColumnTable.builder().addInts(" ", new int[0]));
    assertEquals("column name must not be empty, but was:  ", e.getMessage());
  }

  @Test
  void concatStacksRowsInOrder() {
    ColumnTable all = ColumnTable.concat(List.of(shard(0, 2), shard(2, 0), shard(2, 3)));
    assertEquals(5, all.rowCount());
    assertArrayEquals(new int[] {0, 1, 2, 3, 4}, all.ints("index"));
    assertArrayEquals(new String[] {"ok", "robust, \"clean\"", "ok", "robust, \"clean\"", "ok"}, all.strings("note"));
    assertEquals(shard(0, 5).ints("index").length, all.ints("index").length);
    assertArrayEquals(new double[] {0, 1 / 3.0, 2 / 3.0, 1, 4 / 3.0}, all.doubles("linf"));
    assertEquals(Map.of("attack", "pgd"), all.metadata());
  }

  @Test
  void concatRequiresOneSchema() {
    ColumnTable other = ColumnTable.builder().addInts("index", new int[1]).metadata("attack", "pgd").build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ColumnTable.concat(List.of(shard(0, 1), other)));
    assertEquals(
        "tables must share one schema, but table 1 has [index:INT32] and table 0 has"
            + " [index:INT32, queries:INT64, linf:FLOAT64, note:UTF8]",
        e.getMessage());
    ColumnTable fgsm = ColumnTable.builder().addInts("index", new int[1]).metadata("attack", "fgsm").build();
    e = assertThrows(IllegalArgumentException.class, () -> ColumnTable.concat(List.of(other, fgsm)));
    assertEquals(
        "tables must share one metadata, but table 1 has {attack=fgsm} and table 0 has {attack=pgd}",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ColumnTable.concat(List.of()));
    assertEquals("tables must hold at least one table, but was empty", e.getMessage());
  }

  @Test
  void csvQuotesOnlyWhatNeedsIt() {
    ColumnTable t = ColumnTable.builder()
        .addInts("index", new int[] {1, 2})
        .addDoubles("p", new double[] {0.1, Double.NaN})
        .addStrings("text, quoted", new String[] {"a\"b", "line\nbreak"})
        .metadata("not", "in csv")
        .build();
    assertEquals(
        "index,p,\"text, quoted\"\n1,0.1,\"a\"\"b\"\n2,NaN,\"line\nbreak\"\n", t.toCsv());
  }

  @Test
  void equalityIsByContent() {
    assertEquals(shard(0, 3), shard(0, 3));
    assertEquals(shard(0, 3).hashCode(), shard(0, 3).hashCode());
    assertNotEquals(shard(0, 3), shard(1, 3));
  }
}
