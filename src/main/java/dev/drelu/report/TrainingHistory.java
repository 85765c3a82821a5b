package dev.drelu.report;

import dev.drelu.stats.CsvLines;
import dev.drelu.stats.TableFormatException;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One model's per-epoch metrics, as in the {@code history.csv} of a trained model artifact:
 * a header {@code epoch,train_loss,...,val_loss,val_accuracy,cap_mean,...} (names as in
 * {@code dev.drelu.train.EpochMetrics#asMap}) and one line per epoch. Columns other than
 * {@code epoch} are optional; a D-ReLU-free model has no {@code cap_mean}.
 *
 * @param model the label in the report
 * @param columns metric name to one value per epoch (NaN where a line left it empty)
 * @param epochs the epoch numbers
 */
public record TrainingHistory(String model, List<Integer> epochs, Map<String, List<Double>> columns)
    implements Serializable {
  public TrainingHistory {
    epochs = List.copyOf(epochs);
    Map<String, List<Double>> copy = new LinkedHashMap<>();
    for (Map.Entry<String, List<Double>> e : columns.entrySet()) {
      if (e.getValue().size() != epochs.size()) {
        throw new IllegalArgumentException("column " + e.getKey() + " must have one value per epoch ("
            + epochs.size() + "), but had: " + e.getValue().size());
      }
      copy.put(e.getKey(), java.util.Collections.unmodifiableList(new ArrayList<>(e.getValue())));
    }
    columns = java.util.Collections.unmodifiableMap(copy);
  }

  /** @return whether the history has {@code name} with at least one number */
  public boolean has(String name) {
    return columns.containsKey(name) && columns.get(name).stream().anyMatch(v -> !v.isNaN());
  }

  /**
   * @param model the label for the report
   * @param file a history.csv
   * @return the history
   * @throws TableFormatException naming file and line of every bad value
   */
  public static TrainingHistory read(String model, Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new TableFormatException(List.of(file + ": no such file"));
    }
    CsvLines.Records records = CsvLines.read(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    List<CsvLines.Line> lines = records.lines();
    if (lines.isEmpty() && !records.problems().isEmpty()) {
      throw new TableFormatException(records.problems());
    }
    if (lines.isEmpty() || !lines.get(0).field(0).equals("epoch")) {
      throw new TableFormatException(List.of(file + ":" + (lines.isEmpty() ? 1 : lines.get(0).number())
          + ": header must start with the column epoch, but was: "
          + (lines.isEmpty() ? "(empty file)" : new CsvLines.Header(lines.get(0)).text())));
    }
    CsvLines.Line header = lines.get(0);
    List<String> problems = new ArrayList<>();
    List<Integer> epochs = new ArrayList<>();
    Map<String, List<Double>> columns = new LinkedHashMap<>();
    for (int c = 1; c < header.fields().size(); c++) {
      columns.put(header.field(c), new ArrayList<>());
    }
    for (CsvLines.Line line : lines.subList(1, lines.size())) {
      String where = file + ":" + line.number() + ": ";
      try {
        epochs.add(Integer.parseInt(line.field(0)));
      } catch (NumberFormatException e) {
        problems.add(where + "epoch must be an integer, but was: " + line.field(0));
        continue;
      }
      for (int c = 1; c < header.fields().size(); c++) {
        String v = line.field(c);
        try {
          columns.get(header.field(c)).add(v.isEmpty() ? Double.NaN : Double.parseDouble(v));
        } catch (NumberFormatException e) {
          problems.add(where + header.field(c) + " must be a number, but was: " + v);
          columns.get(header.field(c)).add(Double.NaN);
        }
      }
    }
    problems.addAll(records.problems());
    if (!problems.isEmpty()) {
      throw new TableFormatException(problems);
    }
    return new TrainingHistory(model, epochs, columns);
  }
}
