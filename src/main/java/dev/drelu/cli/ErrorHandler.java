package dev.drelu.cli;

import dev.drelu.spec.SpecError;
import dev.drelu.spec.SpecException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Turns failures into short messages: spec mistakes one per line (exit 2), anything else as the
 * distinct messages of its cause chain, outermost first (exit 1). Stack traces only with {@code
 * --verbose} or DRELU_VERBOSE=1.
 *
 * <p>Why the whole chain and not the root cause: the outer exceptions carry the context a user
 * needs (which file, what to do: "delete the checkpoint folder"), the root the low-level reason
 * ("Unexpected end of ZLIB input stream"). Printing the root alone lost the file name.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
  /** "java.io.EOFException: " and the like, which wrappers put in front of their cause's message. */
  private static final Pattern CLASS_PREFIX =
      Pattern.compile("^(?:[a-zA-Z_$][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error|Throwable): ");

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
    List<String> lines = describe(e);
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

  /**
   * The messages of a failure's cause chain a user needs, outermost first, each said once: a
   * message another one already contains is left out (a wrapper that only repeats its cause, or a
   * root cause the outer message quotes), and a message that contains earlier ones replaces them.
   *
   * @return at least one line
   */
  static List<String> describe(Throwable failure) {
    List<String> kept = new ArrayList<>();
    List<Throwable> seen = new ArrayList<>();
    for (Throwable t = failure; t != null && !seen.contains(t); t = t.getCause()) {
      seen.add(t);
      String own = ownMessage(t);
      if (own != null && t instanceof com.fasterxml.jackson.core.JsonProcessingException j) {
        // Jackson puts its source location on a second line: a wrapper that quotes the message
        // already says where, else the location stays, on the same line
        String original = j.getOriginalMessage();
        if (original != null && kept.stream().anyMatch(k -> k.contains(original))) {
          continue;
        }
        own = own.replaceAll("\\s*\\R\\s*", " ");
      }
      String m = own;
      if (m == null || kept.stream().anyMatch(k -> k.contains(m))) {
        continue;
      }
      kept.removeIf(m::contains);
      kept.add(m);
    }
    if (kept.isEmpty()) {
      // no message anywhere (a bare NullPointerException, say): the root's class is all there is
      kept.add(seen.get(seen.size() - 1).getClass().getName());
    }
    return kept;
  }

  /** @return what {@code t} itself says, without a repeated cause or class-name prefixes; null if nothing */
  private static String ownMessage(Throwable t) {
    String m = t.getMessage();
    if (t instanceof FileSystemException f && f.getReason() == null && f.getFile() != null) {
      // these hold only the path: say what happened to it
      m = f.getFile() + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile()) + ": "
          + (t instanceof NoSuchFileException ? "no such file or folder"
              : t instanceof AccessDeniedException ? "permission denied" : t.getClass().getSimpleName());
    }
    if (m == null || m.isBlank()) {
      return null;
    }
    if (t.getCause() != null && m.equals(t.getCause().toString())) {
      return null; // new Wrapper(cause): nothing of its own to say
    }
    String stripped = m.strip();
    String before;
    do {
      before = stripped;
      stripped = CLASS_PREFIX.matcher(stripped).replaceFirst("");
    } while (!stripped.equals(before));
    return stripped.isEmpty() ? null : stripped;
  }
}
