package dev.drelu.tracking;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * MLflow's size limits (mlflow/utils/validation.py, 2.17): a request over them is refused whole,
 * so values are cut down with a visible marker instead of losing the entire batch.
 */
final class MlflowLimits {
  static final int MAX_KEY = 250;
  static final int MAX_PARAM_VALUE = 6000;
  static final int MAX_TAG_VALUE = 8000;
  static final int MAX_PARAMS_OR_TAGS_PER_BATCH = 100;
  static final int MAX_METRICS_PER_BATCH = 1000;

  private MlflowLimits() {}

  /** {@code value} if it fits, else its head plus {@code ...[truncated N chars]} in {@code max} chars. */
  static String truncate(String value, int max) {
    if (value == null || value.length() <= max) {
      return value;
    }
    // The marker's length depends on the count it states; a few rounds settle both.
    int keep = max;
    for (int i = 0; i < 3; i++) {
      keep = max - marker(value.length() - keep).length();
    }
    return value.substring(0, keep) + marker(value.length() - keep);
  }

  private static String marker(int removed) {
    return "...[truncated " + removed + " chars]";
  }

  /** A key of at most 250 chars; a longer key keeps its head plus a hash so distinct keys stay distinct. */
  static String key(String key) {
    if (key.length() <= MAX_KEY) {
      return key;
    }
    String hash = "~" + Integer.toHexString(key.hashCode());
    return key.substring(0, MAX_KEY - hash.length()) + hash;
  }

  static Map<String, String> params(Map<String, String> params) {
    return fit(params, MAX_PARAM_VALUE);
  }

  static Map<String, String> tags(Map<String, String> tags) {
    return fit(tags, MAX_TAG_VALUE);
  }

  private static Map<String, String> fit(Map<String, String> entries, int maxValue) {
    Map<String, String> out = new LinkedHashMap<>();
    entries.forEach((k, v) -> out.put(key(k), truncate(v == null ? "" : v, maxValue)));
    return out;
  }
}
