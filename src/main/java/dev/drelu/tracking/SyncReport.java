package dev.drelu.tracking;

/**
 * What one {@link JournalReplayer#replay} did.
 *
 * @param files journal files found
 * @param filesSynced files fully sent and renamed to {@code *.synced}
 * @param eventsSent events the server accepted
 * @param runsCreated runs created on the server for local run ids
 * @param eventsRejected events the server refused as invalid (4xx); they are logged and dropped
 * @param remaining events still waiting in journals (server went away, journal in use, or a run id
 *     no journal defines)
 * @param runsKilled RUNNING runs of processes that had died, marked KILLED after the events were sent
 * @param failure why the sync stopped early, or null when it ran to the end
 */
public record SyncReport(
    int files,
    int filesSynced,
    long eventsSent,
    int runsCreated,
    long eventsRejected,
    long remaining,
    int runsKilled,
    String failure) {

  /** True when every journal was sent: nothing remains. */
  public boolean complete() {
    return remaining == 0 && failure == null;
  }
}
