package dev.drelu.store;

import java.io.Serializable;
import java.util.Map;

/**
 * A pointer to a committed artifact: what travels between pipeline stages instead of data.
 *
 * @param stage the stage that made it
 * @param key its cache key
 * @param location its folder (a local path today; a shared path on a cluster)
 * @param summary a few numbers or labels for the next stage and for humans
 */
public record ArtifactRef(String stage, String key, String location, Map<String, String> summary)
    implements Serializable {
  public ArtifactRef {
    summary = Map.copyOf(summary);
  }

  /** @return the same ref with an extra summary entry */
  public ArtifactRef withSummary(String name, String value) {
    java.util.Map<String, String> s = new java.util.TreeMap<>(summary);
    s.put(name, value);
    return new ArtifactRef(stage, key, location, s);
  }
}
