package dev.drelu.paper;

import dev.drelu.stats.AccuracyTable;
import dev.drelu.stats.CsvLines;
import dev.drelu.stats.TableFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * The paper's published numbers: every cell of its Tables 1-9, shipped with drelu as
 * {@code paper/paper-tables.csv} (with a README that lists the printed tables' known faults).
 * Published fact, kept exactly as printed; the reproduction report sets drelu's numbers beside it.
 */
public final class PaperTables {
  /** Where the CSV is on the class path. */
  public static final String RESOURCE = "/paper/paper-tables.csv";

  static final List<String> COLUMNS =
      List.of("table", "dataset", "architecture", "method", "lambda", "metric", "accuracy", "rank");

  private final List<PaperCell> cells;

  private PaperTables(List<PaperCell> cells) {
    this.cells = List.copyOf(cells);
  }

  /** @return the tables shipped with drelu */
  public static PaperTables load() {
    try (InputStream in = PaperTables.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from drelu's jar; rebuild it (mvn package)");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), RESOURCE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  /**
   * @param text the CSV text, in the shipped file's format
   * @param source the name used in messages
   * @throws TableFormatException listing every problem, each as source:line: what is wrong
   */
  public static PaperTables parse(String text, String source) {
    CsvLines.Records records = CsvLines.read(text, source);
    List<String> problems = new ArrayList<>();
    List<PaperCell> cells = new ArrayList<>();
    if (records.lines().isEmpty()) {
      throw new TableFormatException(List.of(source + ": empty; expected the header " + String.join(",", COLUMNS)));
    }
    CsvLines.Header header = new CsvLines.Header(records.lines().get(0));
    List<String> missing = header.missing(COLUMNS);
    if (!missing.isEmpty()) {
      throw new TableFormatException(List.of(source + ":" + header.line().number() + ": missing columns " + missing
          + " (the header reads: " + header.text() + ")"));
    }
    for (CsvLines.Line line : records.lines().subList(1, records.lines().size())) {
      try {
        String lambda = line.field(header.column("lambda"));
        cells.add(new PaperCell(Integer.parseInt(line.field(header.column("table"))),
            line.field(header.column("dataset")), line.field(header.column("architecture")),
            line.field(header.column("method")),
            lambda.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(Double.parseDouble(lambda)),
            line.field(header.column("metric")), Double.parseDouble(line.field(header.column("accuracy"))),
            Double.parseDouble(line.field(header.column("rank"))), line.number()));
      } catch (NumberFormatException e) {
        problems.add(source + ":" + line.number() + ": table, lambda, accuracy and rank must be numbers ("
            + e.getMessage() + ")");
      }
    }
    problems.addAll(records.problems());
    if (!problems.isEmpty()) {
      throw new TableFormatException(problems);
    }
    return new PaperTables(cells);
  }

  /** @return every cell, in the file's order */
  public List<PaperCell> cells() {
    return cells;
  }

  /** @return the cells of one table (1-9) */
  public List<PaperCell> table(int table) {
    return cells.stream().filter(c -> c.table() == table).toList();
  }

  /**
   * @return the balancer the paper prints for the D-ReLU model of this dataset and architecture
   *     (Tables 1-4 name it in the row label; the Square and generated-data tables do not), or
   *     empty if the paper has no such model
   */
  public OptionalDouble lambda(String dataset, String architecture) {
    return cells.stream()
        .filter(c -> c.dataset().equals(dataset) && c.architecture().equals(architecture) && c.lambda().isPresent())
        .mapToDouble(c -> c.lambda().getAsDouble()).findFirst();
  }

  /** @return dataset -> architecture -> printed lambda, for every D-ReLU model the paper names */
  public Map<String, Map<String, Double>> lambdas() {
    Map<String, Map<String, Double>> out = new TreeMap<>();
    cells.stream().filter(c -> c.lambda().isPresent()).forEach(c ->
        out.computeIfAbsent(c.dataset(), d -> new TreeMap<>()).putIfAbsent(c.architecture(), c.lambda().getAsDouble()));
    return out;
  }

  /**
   * @return one table's accuracies in the form drelu's statistics take (methods x (architecture,
   *     metric) blocks; Tables 5 and 9 span three datasets, so their blocks are dataset/architecture)
   */
  public AccuracyTable accuracies(int table) {
    List<PaperCell> rows = table(table);
    boolean manyDatasets = rows.stream().map(PaperCell::dataset).distinct().count() > 1;
    return new AccuracyTable(rows.stream().map(c -> new AccuracyTable.Row(
        manyDatasets ? c.dataset() + "/" + c.architecture() : c.architecture(), c.method(), c.metric(),
        c.accuracy() / 100, "printed")).toList());
  }
}
