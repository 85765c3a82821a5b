package dev.drelu.cli;

import dev.drelu.report.Report;
import dev.drelu.report.ReportInput;
import dev.drelu.report.ReportWriter;
import dev.drelu.report.RunLink;
import dev.drelu.report.SweepTable;
import dev.drelu.report.TrainingHistory;
import dev.drelu.stats.AccuracyCsv;
import dev.drelu.stats.AccuracyTable;
import dev.drelu.stats.Statistics;
import dev.drelu.stats.TableFormatException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * drelu report --table FILE.csv --out DIR: the HTML report (tables, statistics, critical
 * difference diagram, optional sweeps and training curves) for results from any source.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Write the HTML report (tables, statistics, plots) of an accuracy table into a folder.")
public final class ReportCommand implements Callable<Integer> {
  @Option(names = "--table", required = true, paramLabel = "FILE.csv",
      description = "the accuracy table (long CSV, as for drelu stats)")
  Path table;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "the report folder (index.html goes here)")
  Path out;

  @Option(names = "--title", defaultValue = "drelu report", description = "page title (default: ${DEFAULT-VALUE})")
  String title;

  @Option(names = "--pipeline", description = "pipeline name shown on the page (default: the table's file name)")
  String pipeline;

  @Option(names = "--history", paramLabel = "MODEL=FILE",
      description = "a model's per-epoch history.csv, for its training curves (repeatable)")
  Map<String, Path> histories = new LinkedHashMap<>();

  @Option(names = "--lambda-sweep", paramLabel = "FILE.csv",
      description = "accuracy against lambda: the table's columns plus 'lambda'")
  Path lambdaSweep;

  @Option(names = "--eps-sweep", paramLabel = "FILE.csv",
      description = "accuracy against eps: the table's columns plus 'eps'")
  Path epsSweep;

  @Option(names = "--run", paramLabel = "LABEL=URL", description = "a link to a tracking run (repeatable)")
  Map<String, String> runs = new LinkedHashMap<>();

  @Mixin StatsLevels levels = new StatsLevels();

  @Spec CommandSpec command;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = command.commandLine().getErr();
    Report report;
    try {
      AccuracyTable t = AccuracyCsv.read(table);
      ReportInput.Builder b = ReportInput.builder().setTitle(title)
          .setPipeline(pipeline != null ? pipeline : String.valueOf(table.getFileName())).setTable(t);
      if (Statistics.applicable(t)) {
        b.optStats(Statistics.analyse(t, levels.params()));
      }
      for (Map.Entry<String, Path> h : histories.entrySet()) {
        b.addHistory(TrainingHistory.read(h.getKey(), h.getValue()));
      }
      if (lambdaSweep != null) {
        b.optLambdaSweep(SweepTable.read(lambdaSweep, "lambda"));
      }
      if (epsSweep != null) {
        b.optEpsSweep(SweepTable.read(epsSweep, "eps"));
      }
      runs.forEach((label, url) -> b.addRun(new RunLink(label, url)));
      report = ReportWriter.write(b.build(), out);
    } catch (TableFormatException e) {
      err.println("drelu report: " + e.problems().size() + " problem(s) in the input; no report was written:");
      e.problems().forEach(p -> err.println("  " + p));
      err.flush();
      return CommandLine.ExitCode.USAGE;
    } catch (IllegalArgumentException e) {
      err.println("drelu report: " + e.getMessage());
      err.flush();
      return CommandLine.ExitCode.USAGE;
    }
    command.commandLine().getOut().println("report: " + report.index().toAbsolutePath());
    command.commandLine().getOut().flush();
    return 0;
  }
}
