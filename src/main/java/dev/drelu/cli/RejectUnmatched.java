package dev.drelu.cli;

import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Runs the parsed command, but first fails on arguments no command or option matched, even when
 * {@code --help} or {@code --version} came with them. Picocli skips that check once help is
 * requested, so {@code drelu reproduce --help} printed the usage and exited 0, as if
 * {@code reproduce} were a command. The error is picocli's own (unmatched argument, "Did you
 * mean"), exit code 2.
 */
final class RejectUnmatched implements CommandLine.IExecutionStrategy {
  private final CommandLine.IExecutionStrategy next = new CommandLine.RunLast();

  @Override
  public int execute(ParseResult parsed) {
    for (ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (!p.unmatched().isEmpty()) {
        // picocli's handler prints the message, the suggestions and the exit code for it
        throw new CommandLine.UnmatchedArgumentException(p.commandSpec().commandLine(), p.unmatched());
      }
    }
    return next.execute(parsed);
  }
}
