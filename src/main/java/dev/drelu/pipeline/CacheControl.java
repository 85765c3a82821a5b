package dev.drelu.pipeline;

import java.io.Serializable;
import java.util.EnumSet;
import java.util.Set;

/**
 * What the user asked of the cache: {@code --only}, {@code --from}, {@code --force}, {@code --no-cache}.
 *
 * @param only run just this stage (earlier ones must be cached; later ones are skipped), or null
 * @param from recompute this stage and every later one, or null
 * @param force recompute these stages even if cached
 * @param noCache recompute everything
 */
public record CacheControl(Stage only, Stage from, Set<Stage> force, boolean noCache) implements Serializable {
  public CacheControl {
    force = force.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(force));
    if (only != null && from != null) {
      throw new IllegalArgumentException("--only and --from cannot be combined: --only " + only.key()
          + " runs one stage, --from " + from.key() + " runs from one stage onwards");
    }
  }

  /** Reuse everything that is cached. */
  public static CacheControl reuse() {
    return new CacheControl(null, null, Set.of(), false);
  }

  /** @return what to do for a stage */
  public StagePolicy policy(Stage stage) {
    if (only != null) {
      if (stage.ordinal() < only.ordinal()) {
        return StagePolicy.REQUIRE_CACHED;
      }
      if (stage.ordinal() > only.ordinal()) {
        return StagePolicy.SKIP;
      }
    }
    if (noCache || force.contains(stage) || (from != null && stage.ordinal() >= from.ordinal())) {
      return StagePolicy.FORCE;
    }
    return StagePolicy.REUSE;
  }
}
