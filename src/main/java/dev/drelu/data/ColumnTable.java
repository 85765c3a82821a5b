package dev.drelu.data;

import dev.drelu.core.Checks;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A small immutable table of named, equal-length columns plus string metadata: the per-example
 * results of a stage (index, label, clean and adversarial prediction, norms, queries). Columns are
 * int32, int64, float64 or UTF-8 strings, in the order they were added; there are no nulls.
 *
 * <p>Build one with {@link #builder()}; store it with {@link ArrowTables}.
 */
public final class ColumnTable {
  /** The types a column can have, named as in Arrow. */
  public enum ColumnType {
    /** 32-bit signed integers ({@code int[]}). */
    INT32,
    /** 64-bit signed integers ({@code long[]}). */
    INT64,
    /** 64-bit floating point ({@code double[]}). */
    FLOAT64,
    /** UTF-8 strings ({@code String[]}), no nulls. */
    UTF8
  }

  /** One column's values: int[], long[], double[] or String[], never handed out. */
  private record Column(ColumnType type, Object values) {
    int length() {
      return switch (type) {
        case INT32 -> ((int[]) values).length;
        case INT64 -> ((long[]) values).length;
        case FLOAT64 -> ((double[]) values).length;
        case UTF8 -> ((String[]) values).length;
      };
    }

    String text(int row) {
      return switch (type) {
        case INT32 -> Integer.toString(((int[]) values)[row]);
        case INT64 -> Long.toString(((long[]) values)[row]);
        // Double.toString round-trips: parsing the CSV gives back the same double.
        case FLOAT64 -> Double.toString(((double[]) values)[row]);
        case UTF8 -> ((String[]) values)[row];
      };
    }

    boolean sameValues(Column o) {
      return type == o.type && Arrays.deepEquals(new Object[] {values}, new Object[] {o.values});
    }

    int valuesHash() {
      return Arrays.deepHashCode(new Object[] {values});
    }
  }

  private final Map<String, Column> columns;
  private final SortedMap<String, String> metadata;
  private final int rowCount;

  private ColumnTable(Map<String, Column> columns, SortedMap<String, String> metadata, int rowCount) {
    this.columns = columns;
    this.metadata = metadata;
    this.rowCount = rowCount;
  }

  /** @return a builder for a new table */
  public static Builder builder() {
    return new Builder();
  }

  /** @return the number of rows (every column has this many values) */
  public int rowCount() {
    return rowCount;
  }

  /** @return the column names, in the order they were added */
  public List<String> columnNames() {
    return List.copyOf(columns.keySet());
  }

  /**
   * @param name a column name
   * @return the type of column {@code name}
   * @throws IllegalArgumentException if there is no such column
   */
  public ColumnType type(String name) {
    return column(name).type();
  }

  /** @return the metadata, sorted by key, unmodifiable */
  public Map<String, String> metadata() {
    return metadata;
  }

  /**
   * @param name a column name
   * @return a copy of int32 column {@code name}
   * @throws IllegalArgumentException if there is no such column or it has another type
   */
  public int[] ints(String name) {
    return ((int[]) typed(name, ColumnType.INT32)).clone();
  }

  /**
   * @param name a column name
   * @return a copy of int64 column {@code name}
   * @throws IllegalArgumentException if there is no such column or it has another type
   */
  public long[] longs(String name) {
    return ((long[]) typed(name, ColumnType.INT64)).clone();
  }

  /**
   * @param name a column name
   * @return a copy of float64 column {@code name}
   * @throws IllegalArgumentException if there is no such column or it has another type
   */
  public double[] doubles(String name) {
    return ((double[]) typed(name, ColumnType.FLOAT64)).clone();
  }

  /**
   * @param name a column name
   * @return a copy of UTF-8 column {@code name}
   * @throws IllegalArgumentException if there is no such column or it has another type
   */
  public String[] strings(String name) {
    return ((String[]) typed(name, ColumnType.UTF8)).clone();
  }

  private Column column(String name) {
    Column c = columns.get(name);
    if (c == null) {
      throw new IllegalArgumentException(
          "no column \"" + name + "\"; columns are: " + columns.keySet());
    }
    return c;
  }

  private Object typed(String name, ColumnType type) {
    Column c = column(name);
    if (c.type() != type) {
      throw new IllegalArgumentException(
          "column \"" + name + "\" is " + c.type() + ", not " + type);
    }
    return c.values();
  }

  /**
   * Stacks tables row-wise, e.g. the per-shard results of one stage.
   *
   * @param tables at least one table; all must have the same column names and types in the same
   *     order, and the same metadata
   * @return one table holding the rows of each table in list order, with their shared metadata
   * @throws IllegalArgumentException if the list is empty or the tables differ in columns, types or
   *     metadata (the message says which table and how)
   */
  public static ColumnTable concat(List<ColumnTable> tables) {
    if (tables.isEmpty()) {
      throw new IllegalArgumentException("tables must hold at least one table, but was empty");
    }
    ColumnTable first = tables.get(0);
    int rows = 0;
    for (int t = 0; t < tables.size(); t++) {
      ColumnTable table = tables.get(t);
      if (!table.schema().equals(first.schema())) {
        throw new IllegalArgumentException(
            "tables must share one schema, but table " + t + " has " + table.schema()
                + " and table 0 has " + first.schema());
      }
      if (!table.metadata.equals(first.metadata)) {
        throw new IllegalArgumentException(
            "tables must share one metadata, but table " + t + " has " + table.metadata
                + " and table 0 has " + first.metadata);
      }
      rows += table.rowCount;
    }
    Builder b = builder();
    first.metadata.forEach(b::metadata);
    for (Map.Entry<String, Column> e : first.columns.entrySet()) {
      Object part0 = e.getValue().values();
      // System.arraycopy works on any array type, so one loop serves all four column types.
      Object all = Array.newInstance(part0.getClass().getComponentType(), rows);
      int at = 0;
      for (ColumnTable t : tables) {
        Column part = t.columns.get(e.getKey());
        System.arraycopy(part.values(), 0, all, at, part.length());
        at += part.length();
      }
      b.add(e.getKey(), e.getValue().type(), all);
    }
    return b.build();
  }

  /** Column names and types in order, e.g. {@code [index:INT32, loss:FLOAT64]}. */
  private List<String> schema() {
    List<String> s = new ArrayList<>();
    columns.forEach((name, c) -> s.add(name + ":" + c.type()));
    return s;
  }

  /**
   * Renders the table as CSV (RFC 4180): a header row of column names, then one line per row, "\n"
   * line ends. Fields holding a comma, quote or line break are quoted; doubles print with {@link
   * Double#toString} so they parse back exactly. Metadata is not included.
   *
   * @return the CSV text
   */
  public String toCsv() {
    StringBuilder s = new StringBuilder();
    List<String> names = columnNames();
    for (int i = 0; i < names.size(); i++) {
      s.append(i == 0 ? "" : ",").append(csvField(names.get(i)));
    }
    s.append('\n');
    List<Column> cols = List.copyOf(columns.values());
    for (int r = 0; r < rowCount; r++) {
      for (int i = 0; i < cols.size(); i++) {
        s.append(i == 0 ? "" : ",").append(csvField(cols.get(i).text(r)));
      }
      s.append('\n');
    }
    return s.toString();
  }

  private static String csvField(String v) {
    if (v.indexOf(',') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0 && v.indexOf('\r') < 0) {
      return v;
    }
    return '"' + v.replace("\"", "\"\"") + '"';
  }

  /** Equal if the same columns (names, types, order, values) and the same metadata. */
  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ColumnTable t)
        || !schema().equals(t.schema())
        || !metadata.equals(t.metadata)) {
      return false;
    }
    for (Map.Entry<String, Column> e : columns.entrySet()) {
      if (!e.getValue().sameValues(t.columns.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = Objects.hash(schema(), metadata);
    for (Column c : columns.values()) {
      h = 31 * h + c.valuesHash();
    }
    return h;
  }

  @Override
  public String toString() {
    return "ColumnTable[" + rowCount + " rows, columns " + schema() + ", metadata " + metadata + "]";
  }

  /**
   * Collects columns and metadata; {@link #build()} checks that all columns have the same length.
   * Arrays are copied when added, so changing them afterwards does not change the table.
   */
  public static final class Builder {
    private final Map<String, Column> columns = new LinkedHashMap<>();
    private final SortedMap<String, String> metadata = new TreeMap<>();

    private Builder() {}

    /**
     * Appends an int32 column.
     *
     * @param name column name, unique in the table
     * @param values the column's values, one per row (copied)
     * @return this builder
     * @throws IllegalArgumentException if the name is blank or already used
     */
    public Builder addInts(String name, int[] values) {
      return add(name, ColumnType.INT32, values.clone());
    }

    /**
     * Appends an int64 column.
     *
     * @param name column name, unique in the table
     * @param values the column's values, one per row (copied)
     * @return this builder
     * @throws IllegalArgumentException if the name is blank or already used
     */
    public Builder addLongs(String name, long[] values) {
      return add(name, ColumnType.INT64, values.clone());
    }

    /**
     * Appends a float64 column.
     *
     * @param name column name, unique in the table
     * @param values the column's values, one per row (copied)
     * @return this builder
     * @throws IllegalArgumentException if the name is blank or already used
     */
    public Builder addDoubles(String name, double[] values) {
      return add(name, ColumnType.FLOAT64, values.clone());
    }

    /**
     * Appends a UTF-8 column.
     *
     * @param name column name, unique in the table
     * @param values the column's values, one per row (copied)
     * @return this builder
     * @throws IllegalArgumentException if the name is blank or already used, or a value is null
     */
    public Builder addStrings(String name, String[] values) {
      String[] copy = values.clone();
      for (int i = 0; i < copy.length; i++) {
        if (copy[i] == null) {
          throw new IllegalArgumentException(
              "column \"" + name + "\" must not hold nulls, but row " + i + " was: null");
        }
      }
      return add(name, ColumnType.UTF8, copy);
    }

    /**
     * Appends a UTF-8 column.
     *
     * @param name column name, unique in the table
     * @param values the column's values, one per row (copied)
     * @return this builder
     * @throws IllegalArgumentException if the name is blank or already used, or a value is null
     */
    public Builder addStrings(String name, List<String> values) {
      return addStrings(name, values.toArray(new String[0]));
    }

    /**
     * Sets one metadata entry (later calls with the same key replace it).
     *
     * @param key metadata key
     * @param value metadata value
     * @return this builder
     * @throws IllegalArgumentException if the key is blank or the value null
     */
    public Builder metadata(String key, String value) {
      Checks.notBlank("metadata key", key);
      if (value == null) {
        throw new IllegalArgumentException("metadata \"" + key + "\" must have a value, but was: null");
      }
      metadata.put(key, value);
      return this;
    }

    // Takes ownership of values: callers pass a fresh copy.
    private Builder add(String name, ColumnType type, Object values) {
      Checks.notBlank("column name", name);
      if (columns.containsKey(name)) {
        throw new IllegalArgumentException(
            "column names must be unique, but \"" + name + "\" was added twice");
      }
      columns.put(name, new Column(type, values));
      return this;
    }

    /**
     * @return the table
     * @throws IllegalArgumentException if there are no columns or their lengths differ
     */
    public ColumnTable build() {
      if (columns.isEmpty()) {
        throw new IllegalArgumentException("a ColumnTable needs at least one column, but none was added");
      }
      Map.Entry<String, Column> first = columns.entrySet().iterator().next();
      int rows = first.getValue().length();
      for (Map.Entry<String, Column> e : columns.entrySet()) {
        if (e.getValue().length() != rows) {
          throw new IllegalArgumentException(
              "columns must have equal lengths, but \"" + e.getKey() + "\" has " + e.getValue().length()
                  + " rows and \"" + first.getKey() + "\" has " + rows);
        }
      }
      return new ColumnTable(
          Collections.unmodifiableMap(new LinkedHashMap<>(columns)),
          Collections.unmodifiableSortedMap(new TreeMap<>(metadata)),
          rows);
    }
  }
}
