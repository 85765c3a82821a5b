package dev.drelu.store;

import java.io.Serializable;
import java.util.Map;

/**
 * A pointer to a committed artifact: what travels between pipeline stages instead of data.
 *
 * @param stage the stage that made it
 * @param key its cache key
 * @param location where the store keeps it (a local folder for {@link LocalArtifactStore}); stages
 *     read it through {@link ArtifactStore#open}, never by this path
 * @param summary a few numbers or labels for the next stage and for humans
 */
public record ArtifactRef(String stage, String key, String location, Map<String, String> summary)
    implements Serializable {
  public ArtifactRef {
    summary = Map.copyOf(summary);
  }
}
