package dev.drelu.core;

import java.util.Arrays;
import java.util.Locale;

/** An enum whose constants have a lower-case name in YAML, on the command line and in reports. */
public interface Keyed {
  /** @return the constant's name as users write it, e.g. "shallow-cnn" */
  String key();

  /**
   * @param type the enum
   * @param field what is being parsed, for the message ("architecture")
   * @param key the user's text (case-insensitive)
   * @throws IllegalArgumentException "field must be one of [..], but was: key"
   */
  static <E extends Enum<E> & Keyed> E parse(Class<E> type, String field, String key) {
    for (E e : type.getEnumConstants()) {
      if (e.key().equals(key.toLowerCase(Locale.ROOT))) {
        return e;
      }
    }
    throw new IllegalArgumentException(field + " must be one of "
        + Arrays.stream(type.getEnumConstants()).map(Keyed::key).toList() + ", but was: " + key);
  }
}
