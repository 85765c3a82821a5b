package dev.drelu.attack;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.DoubleConsumer;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.function.LongConsumer;

/**
 * One YAML key an attack takes: the type of its value and the builder setter it goes to. A
 * builder's list of settings is the one place that says which keys a method takes; the spec reads
 * exactly those (see {@link AttackBuilder#settings}).
 *
 * @param key the YAML key, e.g. "step-size"
 * @param type how the spec reads the value
 * @param parser for {@link Type#CHOICE}: the word to value (an enum's parse), else null
 * @param setter takes the value read (Double, Integer, Long, Boolean, String or the parsed choice)
 */
public record Setting(String key, Type type, Function<String, ?> parser, Consumer<Object> setter) {
  /** The kinds of value a key holds. */
  public enum Type {
    /** A single word or phrase, e.g. a name. */
    TEXT,
    /** A finite number. */
    NUMBER,
    /** A whole number within int. */
    WHOLE,
    /** A whole number within long (seeds). */
    LONG,
    /** true or false. */
    FLAG,
    /** One word of a fixed set, turned into its value by {@link #parser}. */
    CHOICE
  }

  public Setting {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(setter, "setter");
    if ((type == Type.CHOICE) != (parser != null)) {
      throw new IllegalArgumentException("parser must be given for a choice and only for one, but key " + key
          + " is " + type);
    }
  }

  /** Hands the value read for {@link #key} to the builder. */
  public void apply(Object value) {
    setter.accept(value);
  }

  static Setting text(String key, Consumer<String> set) {
    return new Setting(key, Type.TEXT, null, v -> set.accept((String) v));
  }

  static Setting number(String key, DoubleConsumer set) {
    return new Setting(key, Type.NUMBER, null, v -> set.accept((Double) v));
  }

  static Setting whole(String key, IntConsumer set) {
    return new Setting(key, Type.WHOLE, null, v -> set.accept((Integer) v));
  }

  static Setting longValue(String key, LongConsumer set) {
    return new Setting(key, Type.LONG, null, v -> set.accept((Long) v));
  }

  static Setting flag(String key, Consumer<Boolean> set) {
    return new Setting(key, Type.FLAG, null, v -> set.accept((Boolean) v));
  }

  @SuppressWarnings("unchecked")
  static <E> Setting choice(String key, Function<String, E> parse, Consumer<E> set) {
    return new Setting(key, Type.CHOICE, parse, v -> set.accept((E) v));
  }

  /** @return {@code first} followed by {@code more} */
  static List<Setting> join(List<Setting> first, List<Setting> more) {
    List<Setting> all = new ArrayList<>(first);
    all.addAll(more);
    return List.copyOf(all);
  }

  /** @return {@code first} followed by {@code more} */
  static List<Setting> join(List<Setting> first, Setting... more) {
    List<Setting> all = new ArrayList<>(first);
    all.addAll(Arrays.asList(more));
    return List.copyOf(all);
  }
}
