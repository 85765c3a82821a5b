package dev.drelu.core;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a failure says to a person: the distinct messages of its cause chain, outermost first.
 * The terminal (cli.ErrorHandler) and the MLflow {@code drelu.error} tags use the same text.
 *
 * <p>Why the whole chain and not the root cause: the outer exceptions carry the context a user
 * needs (which file, what to do: "delete the checkpoint folder"), the root the low-level reason
 * ("Unexpected end of ZLIB input stream"). The root alone lost the file name.
 */
public final class ErrorMessages {
  /** "java.io.EOFException: " and the like, which wrappers put in front of their cause's message. */
  private static final Pattern CLASS_PREFIX =
      Pattern.compile("^(?:[a-zA-Z_$][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error|Throwable): ");

  private ErrorMessages() {}

  /** @return the chain on one line: "outer; caused by: inner" */
  public static String oneLine(Throwable failure) {
    return String.join("; caused by: ", describe(failure));
  }

  /**
   * The messages of a failure's cause chain a user needs, outermost first, each said once: a
   * message another one already contains is left out (a wrapper that only repeats its cause, or a
   * root cause the outer message quotes), and a message that contains earlier ones replaces them.
   *
   * @return at least one line
   */
  public static List<String> describe(Throwable failure) {
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
