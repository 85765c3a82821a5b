package dev.drelu.cli;

import dev.drelu.core.ErrorMessages;
import dev.drelu.spec.SpecError;
import dev.drelu.spec.SpecException;
import java.util.List;
import picocli.CommandLine;

/**
 * Turns failures into short messages: spec mistakes one per line (exit 2), anything else as the
 * distinct messages of its cause chain, outermost first (exit 1). Stack traces only with {@code
 * --verbose} or DRELU_VERBOSE=1.
 *
 * <p>The chain's text comes from {@link ErrorMessages}, which the MLflow error tags use too.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
    boolean verbose = parsed.expandedArgs().contains("--verbose") || "1".equals(System.getenv("DRELU_VERBOSE"));
    var err = cl.getErr();
    if (e instanceof SpecException s) {
      err.println("drelu: the spec has " + s.errors().size() + " problem(s); nothing was run:");
      for (SpecError error : s.errors()) {
        err.println("  " + error);
      }
      err.flush();
      return CommandLine.ExitCode.USAGE;
    }
    List<String> lines = ErrorMessages.describe(e);
    err.println("drelu: " + lines.get(0));
    for (String line : lines.subList(1, lines.size())) {
      err.println("  caused by: " + line);
    }
    if (verbose) {
      e.printStackTrace(err);
    } else if (!(e instanceof IllegalArgumentException)) {
      err.println("  run with --verbose for the stack trace");
    }
    err.flush();
    return e instanceof IllegalArgumentException ? CommandLine.ExitCode.USAGE : CommandLine.ExitCode.SOFTWARE;
  }
}
