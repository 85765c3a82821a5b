package dev.drelu.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** drelu's entry point. */
@Command(
    name = "drelu",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Adversarial-robustness pipelines for capped-ReLU (D-ReLU) classifiers.")
public final class Main {
  /** The subcommands, in the order the help lists them. */
  private static final List<Class<?>> SUBCOMMANDS = List.of(
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
      CommandLine.HelpCommand.class);

  private Main() {}

  public static void main(String[] args) {
    // quiet libraries unless asked otherwise; must happen before the first logger exists
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    System.exit(commandLineFor(args).execute(args));
  }

  /** @return the configured command line with every subcommand (tests call this to run commands in-process) */
  public static CommandLine commandLine() {
    return configured(SUBCOMMANDS);
  }

  /**
   * @return the command line {@code args} need: only the subcommand they name, or all of them for
   *     anything else (help, the version, a mistyped name, which gets suggestions). Why: picocli
   *     reads every subcommand's options by reflection when it is added, ~60 ms of every command's
   *     start-up for the eleven a command does not use.
   */
  static CommandLine commandLineFor(String[] args) {
    if (args.length > 0) {
      for (Class<?> c : SUBCOMMANDS) {
        Command command = c.getAnnotation(Command.class);
        if (c != CommandLine.HelpCommand.class && command.name().equals(args[0])) {
          return configured(List.of(c));
        }
      }
    }
    return commandLine();
  }

  private static CommandLine configured(List<Class<?>> subcommands) {
    CommandLine cl = new CommandLine(new Main());
    for (Class<?> c : subcommands) {
      cl.addSubcommand(c);
    }
    cl.setExecutionExceptionHandler(new ErrorHandler());
    cl.setExecutionStrategy(new RejectUnmatched());
    return cl;
  }
}
