/**
 * Experiment tracking on MLflow that never loses an event: a {@link dev.drelu.tracking.Tracker}
 * logs runs online and journals them locally while the server is away; {@link
 * dev.drelu.tracking.JournalReplayer} sends the journals later.
 */
package dev.drelu.tracking;
