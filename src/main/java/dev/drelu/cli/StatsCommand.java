package dev.drelu.cli;

import dev.drelu.stats.AccuracyCsv;
import dev.drelu.stats.AccuracyTable;
import dev.drelu.stats.StatsResult;
import dev.drelu.stats.StatsText;
import dev.drelu.stats.Statistics;
import dev.drelu.stats.TableFormatException;
import dev.drelu.store.Json;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * drelu stats --table FILE.csv: the statistics of METHOD.md section 9 over any accuracy table in
 * the long CSV format of {@link AccuracyCsv}; the same code as the pipeline's stats stage.
 */
@Command(name = "stats", mixinStandardHelpOptions = true,
    description = {"ANOVA, Friedman with Iman-Davenport, and Nemenyi's critical difference over an accuracy table.",
        "The table is long CSV with columns architecture, method, metric, accuracy (fraction or %) and optionally seed;"
            + " rows of the tests are architecture x metric, columns are methods."})
public final class StatsCommand implements Callable<Integer> {
  /** Output formats. */
  enum Format { markdown, json }

  @Option(names = "--table", required = true, paramLabel = "FILE.csv", description = "the accuracy table (long CSV)")
  Path table;

  @Mixin StatsLevels levels = new StatsLevels();

  @Option(names = "--format", defaultValue = "markdown",
      description = "output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
  Format format;

  @Option(names = "--out", paramLabel = "FILE", description = "write the results here instead of to the terminal")
  Path out;

  @Spec CommandSpec command;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = command.commandLine().getErr();
    StatsResult result;
    try {
      AccuracyTable t = AccuracyCsv.read(table);
      result = Statistics.analyse(t, levels.params());
    } catch (TableFormatException e) {
      err.println("drelu stats: " + e.problems().size() + " problem(s) in the table; nothing was computed:");
      e.problems().forEach(p -> err.println("  " + p));
      err.flush();
      return CommandLine.ExitCode.USAGE;
    } catch (IllegalArgumentException e) {
      err.println("drelu stats: " + e.getMessage());
      err.flush();
      return CommandLine.ExitCode.USAGE;
    }
    String text = format == Format.json
        ? Json.CANONICAL.writerWithDefaultPrettyPrinter().writeValueAsString(result) + "\n"
        : StatsText.markdown(result);
    if (out != null) {
      Files.writeString(out, text, StandardCharsets.UTF_8);
    } else {
      command.commandLine().getOut().print(text);
      command.commandLine().getOut().flush();
    }
    return 0;
  }
}
