package dev.drelu.tracking;

import java.nio.file.Path;

/**
 * What a tracker is doing right now.
 *
 * @param online true while events reach the server
 * @param eventsJournaled events written to the local journal so far
 * @param journalFile the journal this tracker writes, or null when it has journaled nothing
 * @param offlineReason why it went offline (what failed), or null while online
 */
public record TrackingStatus(
    boolean online, long eventsJournaled, Path journalFile, String offlineReason) {}
