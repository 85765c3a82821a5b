package dev.drelu.cli;

import dev.drelu.spec.SpecError;
import dev.drelu.spec.SpecException;
import picocli.CommandLine;

/**
 * Turns failures into short messages: spec mistakes one per line (exit 2), anything else as its
 * root cause (exit 1). Stack traces only with {@code --verbose} or DRELU_VERBOSE=1.
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
      return CommandLine.ExitCode.USAGE;
    }
    if (e instanceof IllegalArgumentException) {
      err.println("drelu: " + e.getMessage());
      if (verbose) {
        e.printStackTrace(err);
      }
      return CommandLine.ExitCode.USAGE;
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    err.println("drelu: " + (root.getMessage() == null ? root.getClass().getName() : root.getMessage()));
    if (root != e && e.getMessage() != null && !e.getMessage().contains(String.valueOf(root.getMessage()))) {
      err.println("  (while: " + e.getMessage() + ")");
    }
    if (verbose) {
      e.printStackTrace(err);
    } else {
      err.println("  run with --verbose for the stack trace");
    }
    return CommandLine.ExitCode.SOFTWARE;
  }
}
