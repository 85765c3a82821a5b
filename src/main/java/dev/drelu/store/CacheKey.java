package dev.drelu.store;

import dev.drelu.core.Sha256;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * key = sha256(stage, stage version, canonical JSON of the resolved params, sorted input keys).
 * Nothing else goes in: no timestamps, hosts or paths, or no run would ever hit the cache.
 */
public final class CacheKey {
  private CacheKey() {}

  /**
   * @param stage the stage name
   * @param stageVersion bumped in code when the stage's meaning changes
   * @param params resolved parameters (maps, lists, strings, numbers, booleans)
   * @param inputKeys keys of the artifacts the stage reads
   * @return 64 hex characters
   */
  public static String of(String stage, int stageVersion, Map<String, ?> params, List<String> inputKeys) {
    Map<String, Object> content = new TreeMap<>();
    content.put("stage", stage);
    content.put("version", stageVersion);
    content.put("params", params);
    content.put("inputs", inputKeys.stream().sorted().toList());
    return Sha256.of(Json.canonical(content));
  }

  /** @return the first 12 characters, for humans */
  public static String shortForm(String key) {
    return key.substring(0, Math.min(12, key.length()));
  }
}
