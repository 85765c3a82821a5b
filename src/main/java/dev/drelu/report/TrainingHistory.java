package dev.drelu.report;

import dev.drelu.stats.AccuracyCsv;
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
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    if (lines.isEmpty() || !lines.get(0).strip().startsWith("epoch")) {
      throw new TableFormatException(List.of(file + ":1: header must start with the column epoch, but was: "
          + (lines.isEmpty() ? "(empty file)" : lines.get(0))));
    }
    List<String> header = AccuracyCsv.split(lines.get(0)).stream().map(String::strip).toList();
    List<Integer> epochs = new ArrayList<>();
    Map<String, List<Double>> columns = new LinkedHashMap<>();
    header.subList(1, header.size()).forEach(h -> columns.put(h, new ArrayList<>()));
    List<String> problems = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      List<String> f = AccuracyCsv.split(lines.get(i));
      String where = file + ":" + (i + 1) + ": ";
      try {
        epochs.add(Integer.parseInt(f.get(0).strip()));
      } catch (NumberFormatException e) {
        problems.add(where + "epoch must be an integer, but was: " + f.get(0));
        continue;
      }
      for (int c = 1; c < header.size(); c++) {
        String v = c < f.size() ? f.get(c).strip() : "";
        try {
          columns.get(header.get(c)).add(v.isEmpty() ? Double.NaN : Double.parseDouble(v));
        } catch (NumberFormatException e) {
          problems.add(where + header.get(c) + " must be a number, but was: " + v);
          columns.get(header.get(c)).add(Double.NaN);
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new TableFormatException(problems);
    }
    return new TrainingHistory(model, epochs, columns);
  }
}
