package dev.drelu.pipeline;

import dev.drelu.store.Artifact;
import dev.drelu.store.ArtifactFiles;
import dev.drelu.store.ArtifactStore;
import dev.drelu.store.Json;
import dev.drelu.store.SummaryFields;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The summarise stage's output: the pipeline's table ({@code summary.md}, {@code .csv} and
 * {@code .json}), the long accuracy table and its statistics, and the HTML report under
 * {@code report/}. Every model's numbers are metrics named {@code <model>.<column>}.
 *
 * @param files the artifact's files (the staging folder while it is written)
 */
public record Summary(SummaryTable table, ArtifactFiles files) implements StageOutput {
  private static final String MARKDOWN = "summary.md";
  private static final String CSV = "summary.csv";
  private static final String JSON = "summary.json";
  private static final String ACCURACY = "accuracy.csv";
  private static final String STATISTICS = "statistics.md";
  private static final String REPORT = "report";
  private static final String REPORT_PAGE = REPORT + "/index.html";

  /** Writes the table in its three forms into {@code staging}; {@link PipelineReport} adds the rest. */
  static Summary write(SummaryTable table, ArtifactStore.Staging staging) throws IOException {
    Files.writeString(staging.file(MARKDOWN), table.toMarkdown(), StandardCharsets.UTF_8);
    Files.writeString(staging.file(CSV), table.toCsv(), StandardCharsets.UTF_8);
    Json.CANONICAL.writerWithDefaultPrettyPrinter().writeValue(staging.file(JSON).toFile(), table);
    return new Summary(table, staging);
  }

  /** @return the summary of the committed artifact {@code key} */
  static Summary read(ArtifactStore store, String key) throws IOException {
    return read(store.open(Stage.SUMMARISE.key(), key));
  }

  /** @return the summary of a committed summarise artifact */
  static Summary read(Artifact a) throws IOException {
    return new Summary(Json.CANONICAL.readValue(a.file(JSON).toFile(), SummaryTable.class), a);
  }

  @Override
  public SummaryFields fields() {
    SummaryFields f = new SummaryFields();
    for (SummaryTable.Row r : table.rows()) {
      String prefix = r.model().replace(' ', '_') + ".";
      f.number(prefix + "clean", r.clean());
      r.accuracy().forEach((a, v) -> f.number(prefix + a, v));
      r.worstCase().forEach((t, v) -> f.number(prefix + "worst_" + t.toLowerCase(Locale.ROOT).replace(' ', '_'), v));
      r.medianL2().forEach((a, v) -> f.number(prefix + a + "_median_l2", v));
      if (r.atChance()) {
        f.label(prefix + "at_chance", "yes");
      }
    }
    return f;
  }

  /** @return where the files are ("Summary: ..." in the run's output) */
  public String location() {
    return files.location();
  }

  /** @return the table as Markdown */
  public Path markdown() throws IOException {
    return files.file(MARKDOWN);
  }

  /** @return the table as long CSV */
  public Path csv() throws IOException {
    return files.file(CSV);
  }

  /** @return the statistics, or a note saying why there are none */
  public Path statistics() throws IOException {
    return files.file(STATISTICS);
  }

  /** @return the long accuracy table the statistics read (absent when there are none) */
  Path accuracy() throws IOException {
    return files.file(ACCURACY);
  }

  /** @return the folder {@link PipelineReport} writes the report into (staging only) */
  Path reportFolder() throws IOException {
    return files.file(REPORT);
  }

  /** @return the report's page, when the pipeline's table allowed one */
  public Optional<Path> reportPage() throws IOException {
    return files.has(REPORT_PAGE) ? Optional.of(files.file(REPORT_PAGE)) : Optional.empty();
  }

  /** @return the report's files ("report/index.html", "report/plots/..."), empty without a report */
  List<String> reportFiles() throws IOException {
    return files.names().stream().filter(n -> n.startsWith(REPORT + "/")).toList();
  }
}
