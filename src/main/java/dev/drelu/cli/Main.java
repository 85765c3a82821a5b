package dev.drelu.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** drelu's entry point. */
@Command(
    name = "drelu",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Adversarial-robustness pipelines for capped-ReLU (D-ReLU) classifiers.",
    subcommands = {
      RunCommand.class,
      PlanCommand.class,
      QuickstartCommand.class,
      TrackingCommand.class,
      CacheCommand.class,
      BenchCommand.class,
      StatsCommand.class,
      ReportCommand.class,
      SmokeDataCommand.class,
      ExportCommand.class,
      ReproduceCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    // quiet libraries unless asked otherwise; must happen before the first logger exists
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    System.exit(commandLine().execute(args));
  }

  /** @return the configured command line (tests call this to run commands in-process) */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler(new ErrorHandler());
    cl.setExecutionStrategy(new RejectUnmatched());
    return cl;
  }
}
