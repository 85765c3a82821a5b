package dev.drelu.tracking;

import java.util.UUID;

/** The run-id prefixes the trackers hand out when the server has not (yet) made the run. */
final class RunIds {
  /** A run that exists only in a journal until {@code drelu tracking sync} creates it. */
  static final String LOCAL_PREFIX = "local-";
  /** A run the server refused to create (4xx): its later calls are dropped. */
  static final String REJECTED_PREFIX = "rejected-";
  /** Tag set on runs created by a sync, so a repeated sync finds them instead of duplicating. */
  static final String LOCAL_ID_TAG = "drelu.localRunId";

  private RunIds() {}

  static String newLocal() {
    return LOCAL_PREFIX + UUID.randomUUID();
  }

  static String newRejected() {
    return REJECTED_PREFIX + UUID.randomUUID();
  }

  static boolean isLocal(String runId) {
    return runId != null && runId.startsWith(LOCAL_PREFIX);
  }

  static boolean isRejected(String runId) {
    return runId != null && runId.startsWith(REJECTED_PREFIX);
  }
}
