package dev.drelu.tracking;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drelu.core.FileTrees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Reading, encoding and atomically rewriting journal files ({@code *.jsonl}, one event a line). */
final class JournalFiles {
  static final String SUFFIX = ".jsonl";
  static final String SYNCED_SUFFIX = ".synced";

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private JournalFiles() {}

  static String encode(JournalEvent event) {
    try {
      return JSON.writeValueAsString(event);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode journal event " + event, e);
    }
  }

  /**
   * Reads all events of a journal. A last line cut short by a crash is skipped (it never finished
   * being written); a bad line anywhere else is an error, since skipping it would lose data.
   *
   * @throws IOException naming the file and line of a malformed entry
   */
  static List<JournalEvent> read(Path file) throws IOException {
    return read(file, true);
  }

  /** As {@link #read(Path)}; {@code warn} false keeps quiet about a truncated last line. */
  static List<JournalEvent> read(Path file, boolean warn) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    List<JournalEvent> events = new ArrayList<>(lines.size());
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      try {
        events.add(JSON.readValue(line, JournalEvent.class));
      } catch (JsonProcessingException e) {
        if (i == lines.size() - 1) {
          if (warn) {
            System.err.println("drelu tracking: " + file + ":" + (i + 1)
                + ": skipping a truncated last line (the writer stopped mid-line)");
          }
          continue;
        }
        throw new IOException(file + ":" + (i + 1) + ": not a journal event ("
            + e.getOriginalMessage() + "); fix or move the file, then sync again", e);
      }
    }
    return events;
  }

  /** Replaces {@code file} with {@code events} so readers see either the old or the new file. */
  static void rewrite(Path file, List<JournalEvent> events) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    StringBuilder text = new StringBuilder();
    for (JournalEvent e : events) {
      text.append(encode(e)).append('\n');
    }
    Files.writeString(tmp, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Marks a fully sent journal as done, atomically, and drops its artifact copies. */
  static void markSynced(Path file) throws IOException {
    Files.move(file, file.resolveSibling(file.getFileName() + SYNCED_SUFFIX),
        StandardCopyOption.ATOMIC_MOVE);
    FileTrees.deleteTree(stashDir(file));
  }

  /** Where a journal keeps copies of the artifacts it journaled. */
  static Path stashDir(Path journal) {
    String name = journal.getFileName().toString();
    return journal.resolveSibling(name.substring(0, name.length() - SUFFIX.length()) + ".files");
  }

  /** Journal files waiting to be sent, oldest first (names start with their creation time). */
  static List<Path> pending(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(SUFFIX) && Files.isRegularFile(p))
          .sorted(Comparator.comparing(p -> p.getFileName().toString()))
          .toList();
    }
  }

}
