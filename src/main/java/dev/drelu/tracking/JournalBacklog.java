package dev.drelu.tracking;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What waits in a journal folder for {@code drelu tracking sync}: how many files and events, and
 * which runs they speak for. Reading it never changes the journals.
 *
 * @param dir the journal folder
 * @param files journal files not yet fully sent
 * @param events tracking events in them (BIND lines excluded: they are bookkeeping, not data)
 * @param runIds every run id the events name: local ids, server ids, and the server ids local ids
 *     are bound to
 */
public record JournalBacklog(Path dir, int files, long events, Set<String> runIds) {
  public JournalBacklog {
    runIds = Set.copyOf(runIds);
  }

  /** No journal at all (tracking off). */
  public static JournalBacklog none() {
    return new JournalBacklog(null, 0, 0, Set.of());
  }

  /**
   * Reads every pending journal in {@code dir}; a missing folder is an empty backlog.
   *
   * @throws UncheckedIOException if a journal cannot be read (the message names the file and line)
   */
  public static JournalBacklog of(Path dir) {
    try {
      List<Path> pending = JournalFiles.pending(dir);
      long events = 0;
      Set<String> ids = new HashSet<>();
      for (Path file : pending) {
        // quiet: a truncated last line is normal for a killed writer, and sync reports it
        for (JournalEvent e : JournalFiles.read(file, false)) {
          if (e.type() != JournalEvent.Type.BIND) {
            events++;
          }
          addIfSet(ids, e.runId());
          addIfSet(ids, e.parentRunId());
          addIfSet(ids, e.boundTo());
        }
      }
      return new JournalBacklog(dir, pending.size(), events, ids);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the tracking journals in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** True when nothing waits. */
  public boolean isEmpty() {
    return files == 0;
  }

  private static void addIfSet(Set<String> ids, String id) {
    if (id != null) {
      ids.add(id);
    }
  }
}
