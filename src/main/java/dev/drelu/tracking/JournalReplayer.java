package dev.drelu.tracking;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Sends the journals that offline trackers wrote (what {@code drelu tracking sync} runs).
 *
 * <p>All journals in a folder are replayed as one stream in (timestamp, sequence) order, each
 * file keeping its own order, with one map from local run ids to the server's ids, so a child
 * journaled by one worker can name a parent journaled by another. A journal sent completely is
 * renamed {@code *.synced}. If the server fails part way, each journal with unsent events is
 * atomically rewritten to hold just those events, preceded by BIND lines for the local ids they
 * use that now exist on the server; a later sync picks up there. Runs created by a sync carry the
 * tag {@value RunIds#LOCAL_ID_TAG}, so a run whose creation was sent but not acknowledged is found
 * rather than created twice; metric points keep their original timestamps, which MLflow
 * de-duplicates. Journals still open by a live tracker are left alone. After a sync that ran to
 * the end, runs it touched whose process died before ending them are marked KILLED (see
 * {@link DeadOwnerRuns}), so a journal of a killed process does not leave runs RUNNING forever.
 */
public final class JournalReplayer {
  private final String trackingUri;

  /**
   * @param trackingUri http(s) URI of the MLflow server to send to
   * @throws IllegalArgumentException if the URI is not http(s)
   */
  public JournalReplayer(String trackingUri) {
    new TrackingConfig(trackingUri, ".", null); // validates the URI with the usual message
    this.trackingUri = trackingUri;
  }

  /**
   * @param journalDir the journal folder
   * @return the journal files still waiting to be replayed, oldest first
   */
  public static List<Path> pending(Path journalDir) throws IOException {
    return JournalFiles.pending(journalDir);
  }

  /**
   * Replays every {@code *.jsonl} journal in the folder.
   *
   * @param journalDir the trackers' journal folder; a missing folder means nothing to send
   * @return what was sent and what remains; {@link SyncReport#failure()} says why it stopped early
   * @throws UncheckedIOException if a journal cannot be read or rewritten (the message names it)
   */
  public SyncReport replay(Path journalDir) {
    List<Path> paths;
    try {
      paths = JournalFiles.pending(journalDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list tracking journals in " + journalDir + ": " + e.getMessage(), e);
    }
    try (MlflowGateway gateway = new MlflowGateway(trackingUri)) {
      return new Sync(journalDir, gateway).run(paths);
    }
  }

  /** One journal during a sync: its unsent events and whether it may be touched. */
  private static final class Journal {
    final Path path;
    final Deque<JournalEvent> queue = new ArrayDeque<>();
    FileChannel channel;
    FileLock lock;
    int sent;
    String blockedBy; // why this journal stopped early while others went on
    boolean waitingForRun; // blocked on a run another journal has not created yet: retried after progress

    Journal(Path path) {
      this.path = path;
    }
  }

  /** The state of one replay: the shared id map and the counters. */
  private static final class Sync {
    private final Path dir;
    private final MlflowGateway gateway;
    private final Map<String, String> realIds = new HashMap<>();
    private final Set<String> refusedRuns = new LinkedHashSet<>();
    private long sent;
    private int runsCreated;
    private long rejected;
    private long remaining;
    private String failure;

    Sync(Path dir, MlflowGateway gateway) {
      this.dir = dir;
      this.gateway = gateway;
    }

    SyncReport run(List<Path> paths) {
      List<Journal> journals = new ArrayList<>();
      try {
        for (Path p : paths) {
          Journal j = open(p);
          if (j != null) {
            journals.add(j);
          }
        }
        sendAll(journals);
        int synced = finish(journals);
        int killed = endRunsOfDeadProcesses();
        return new SyncReport(paths.size(), synced, sent, runsCreated, rejected, remaining, killed, failure);
      } finally {
        journals.forEach(Sync::release);
      }
    }

    /** Locks and reads a journal; null (and counted as remaining) if a live tracker holds it. */
    private Journal open(Path p) {
      Journal j = new Journal(p);
      try {
        j.channel = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
          j.lock = j.channel.tryLock();
        } catch (OverlappingFileLockException e) {
          j.lock = null; // held by a tracker in this JVM
        }
        List<JournalEvent> events = JournalFiles.read(p);
        if (j.lock == null) {
          remaining += events.stream().filter(e -> e.type() != JournalEvent.Type.BIND).count();
          note(p.getFileName() + " is still being written by a running tracker; sync again after it closes");
          release(j);
          return null;
        }
        for (JournalEvent e : events) {
          if (e.type() == JournalEvent.Type.BIND) {
            realIds.put(e.runId(), e.boundTo());
          } else {
            j.queue.add(e);
          }
        }
        return j;
      } catch (IOException e) {
        release(j);
        throw new UncheckedIOException("cannot read tracking journal " + p + ": " + e.getMessage(), e);
      }
    }

    /** Sends the oldest head event of all journals until all are empty, blocked, or the server fails. */
    private void sendAll(List<Journal> journals) {
      while (failure == null) {
        Journal next = null;
        for (Journal j : journals) {
          if (j.blockedBy == null && !j.queue.isEmpty() && (next == null || before(j.queue.peek(), next.queue.peek()))) {
            next = j;
          }
        }
        if (next == null) {
          break;
        }
        JournalEvent e = next.queue.peek();
        try {
          send(e);
          sent++;
        } catch (UnresolvedRunException ex) {
          // a parent created in another journal within the same millisecond may come later in
          // this order: wait for progress elsewhere, then try again
          next.blockedBy = ex.getMessage();
          next.waitingForRun = true;
          continue;
        } catch (RequestRejectedException ex) {
          rejected++;
          if (e.type() == JournalEvent.Type.START_RUN) {
            refusedRuns.add(e.runId());
          }
          System.err.println("drelu tracking sync: " + next.path.getFileName() + " #" + e.seq()
              + ": the server refused this event, dropping it (" + ex.getMessage() + ")");
        } catch (ServerUnavailableException ex) {
          failure = "the MLflow server " + gateway.uri() + " became unavailable (" + ex.getMessage()
              + "); run the sync again when it is back";
          return;
        }
        next.queue.poll();
        next.sent++;
        for (Journal j : journals) {
          if (j.waitingForRun) {
            j.waitingForRun = false;
            j.blockedBy = null;
          }
        }
      }
      for (Journal j : journals) {
        if (j.waitingForRun) {
          note(j.path.getFileName() + ": " + j.blockedBy);
        }
      }
    }

    private static boolean before(JournalEvent a, JournalEvent b) {
      return a.ts() != b.ts() ? a.ts() < b.ts() : a.seq() < b.seq();
    }

    private void send(JournalEvent e) {
      if (refusedRuns.contains(e.runId())) {
        throw new RequestRejectedException("the start of run " + e.runId() + " was refused", null);
      }
      switch (e.type()) {
        case START_RUN -> startRun(e);
        case LOG_PARAMS -> gateway.logBatch(resolve(e.runId()), e.params(), Map.of(), List.of());
        case SET_TAGS -> gateway.logBatch(resolve(e.runId()), Map.of(), e.tags(), List.of());
        case LOG_METRICS -> gateway.logBatch(resolve(e.runId()), Map.of(), Map.of(), e.metrics());
        case LOG_ARTIFACT -> {
          Path copy = dir.resolve(e.file());
          if (!Files.isRegularFile(copy)) {
            throw new RequestRejectedException("the journaled copy " + copy + " is missing", null);
          }
          gateway.uploadArtifact(resolve(e.runId()), copy, e.artifactPath());
        }
        case END_RUN -> gateway.endRun(resolve(e.runId()), e.outcome(), e.ts());
        case BIND -> realIds.put(e.runId(), e.boundTo());
        default -> throw new IllegalStateException("unknown journal event type " + e.type());
      }
    }

    private void startRun(JournalEvent e) {
      if (realIds.containsKey(e.runId())) {
        return; // bound by an earlier, partial sync
      }
      String parent = e.parentRunId() == null ? null : resolve(e.parentRunId());
      String expId = gateway.experimentId(e.experiment());
      Optional<String> existing = gateway.findRunByTag(expId, RunIds.LOCAL_ID_TAG, e.runId());
      String realId;
      if (existing.isPresent()) {
        realId = existing.get(); // created by a sync whose answer was lost
      } else {
        Map<String, String> tags = new HashMap<>(e.tags());
        tags.put(RunIds.LOCAL_ID_TAG, e.runId());
        realId = gateway.createRun(expId, e.runName(), parent, tags, e.ts());
        runsCreated++;
      }
      realIds.put(e.runId(), realId);
    }

    private String resolve(String runId) {
      if (!RunIds.isLocal(runId)) {
        return runId;
      }
      if (refusedRuns.contains(runId)) {
        throw new RequestRejectedException("the start of run " + runId + " was refused", null);
      }
      String real = realIds.get(runId);
      if (real == null) {
        throw new UnresolvedRunException("run " + runId + " is started in no journal here;"
            + " copy the journal that started it into " + dir + " and sync again");
      }
      return real;
    }

    /**
     * A journal whose process was killed starts runs it never ends: once its events are on the
     * server, those runs are RUNNING with a dead owner. Ends them (and any other such run in the
     * experiments this sync touched) as KILLED. Runs still in unsent journals wait for their events.
     */
    private int endRunsOfDeadProcesses() {
      if (failure != null || realIds.isEmpty()) {
        return 0;
      }
      try {
        Set<String> experiments = new LinkedHashSet<>();
        for (String id : realIds.values()) {
          experiments.add(gateway.experimentOf(id));
        }
        DeadOwnerRuns dead = new DeadOwnerRuns(gateway, dir);
        int ended = 0;
        for (String experimentId : experiments) {
          ended += dead.endIn(experimentId);
        }
        return ended;
      } catch (ServerUnavailableException | RequestRejectedException e) {
        System.err.println("drelu tracking sync: warning: could not end the runs of killed processes ("
            + e.getMessage() + "); they stay RUNNING until the next sync or pipeline run");
        return 0;
      }
    }

    /** Renames finished journals, rewrites the rest to their unsent part; returns how many finished. */
    private int finish(List<Journal> journals) {
      int synced = 0;
      for (Journal j : journals) {
        try {
          if (j.queue.isEmpty() && j.blockedBy == null) {
            JournalFiles.markSynced(j.path);
            synced++;
            continue;
          }
          remaining += j.queue.size();
          List<JournalEvent> rest = new ArrayList<>();
          for (String id : localIdsUsed(j.queue)) {
            if (realIds.containsKey(id)) {
              rest.add(JournalEvent.bind(id, realIds.get(id)));
            }
          }
          if (j.sent > 0 || !rest.isEmpty()) {
            rest.addAll(j.queue);
            JournalFiles.rewrite(j.path, rest);
          }
        } catch (IOException e) {
          throw new UncheckedIOException("cannot update tracking journal " + j.path + " after sending "
              + j.sent + " of its events: " + e.getMessage()
              + "; a later sync finds the runs again by their local id", e);
        }
      }
      return synced;
    }

    private static Set<String> localIdsUsed(Iterable<JournalEvent> events) {
      Set<String> ids = new LinkedHashSet<>();
      for (JournalEvent e : events) {
        if (RunIds.isLocal(e.runId())) {
          ids.add(e.runId());
        }
        if (RunIds.isLocal(e.parentRunId())) {
          ids.add(e.parentRunId());
        }
      }
      return ids;
    }

    private void note(String message) {
      if (failure == null) {
        System.err.println("drelu tracking sync: " + message);
      }
    }

    private static void release(Journal j) {
      try {
        if (j.lock != null && j.lock.isValid()) {
          j.lock.release();
        }
        if (j.channel != null) {
          j.channel.close();
        }
      } catch (IOException ignored) {
        // closing a read handle; nothing to save
      }
    }
  }

  /** An event names a local run that no journal in the folder starts. */
  private static final class UnresolvedRunException extends RuntimeException {
    UnresolvedRunException(String message) {
      super(message);
    }
  }
}
