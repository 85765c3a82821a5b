package dev.drelu.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** The one JSON mapper drelu uses for manifests and descriptors: sorted keys, so output is canonical. */
public final class Json {
  private Json() {}

  /** Sorted map keys and properties: the same value always gives the same bytes. */
  public static final ObjectMapper CANONICAL = new ObjectMapper()
      .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
      .configure(com.fasterxml.jackson.databind.MapperFeature.SORT_PROPERTIES_ALPHABETICALLY, true);

  /** @return the canonical JSON text of {@code value} */
  public static String canonical(Object value) {
    try {
      return CANONICAL.writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("cannot serialise " + value + " as JSON: " + e.getMessage(), e);
    }
  }
}
