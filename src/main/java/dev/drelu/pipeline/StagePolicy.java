package dev.drelu.pipeline;

/** What a stage does with the cache in one pipeline execution. */
public enum StagePolicy {
  /** Use a cached artifact if there is one, else compute. */
  REUSE,
  /** Compute even if cached; the new artifact replaces the old. */
  FORCE,
  /** Must be cached (an earlier stage under --only); missing is an error before any work. */
  REQUIRE_CACHED,
  /** Not part of this execution (a later stage under --only). */
  SKIP
}
