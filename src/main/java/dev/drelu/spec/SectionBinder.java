package dev.drelu.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drelu.core.Keyed;
import dev.drelu.data.DatasetParams;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Binds one spec section, a YAML mapping, into a parameter record through Jackson.
 *
 * <p>The section's keys are the record's components as Jackson sees them, named in kebab-case
 * ({@code maxEpochs} is {@code max-epochs}; a mix-in below renames the few that differ), so a new
 * component is a new key without a list to keep in step. Binding is two steps, so a section can
 * compute its defaults from what was written (a dataset's class count follows its source):
 * <ol>
 *   <li>{@link #read} type-checks every key written, through {@link YamlMap}'s typed getters, so a
 *       wrong type gets the same located message everywhere ("must be a whole number, but was:
 *       1.5") and every key is checked even after a mistake;
 *   <li>{@link #bind} writes the defaults record as a Jackson tree, puts what was read over it and
 *       has Jackson construct the record; the constructor's complaint is reported at the key it
 *       names ({@link RecordChecks}).
 * </ol>
 *
 * <p>Why from SnakeYAML's node tree rather than Jackson's own YAML parser: the nodes keep every
 * key's line, a duplicate key is reported where it stands instead of ending the read, and scalars
 * stay text, so type mistakes are collected all at once instead of Jackson stopping at the first;
 * and it needs no further jar. Jackson binds here with its own mapper: the records' annotations for
 * their cache-key JSON ({@code Json.CANONICAL}) are not touched and do not get in the way.
 *
 * @param <T> the record
 */
final class SectionBinder<T extends Record> {
  /** Jackson as the spec sees the records: kebab-case names, every component, none left out. */
  private static final ObjectMapper YAML_VIEW = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
      .setAnnotationIntrospector(new EveryComponent())
      .addMixIn(DatasetParams.Generated.class, GeneratedKeys.class);

  /**
   * The cache-key JSON leaves out paths (@JsonIgnore) and default values (@JsonInclude); a spec
   * writes them and the defaults record must carry them over, so here they are ordinary components.
   */
  private static final class EveryComponent extends JacksonAnnotationIntrospector {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean hasIgnoreMarker(AnnotatedMember m) {
      return false;
    }

    @Override
    public JsonInclude.Value findPropertyInclusion(Annotated a) {
      return JsonInclude.Value.empty();
    }
  }

  /** Generated data is written flat in the dataset's mapping: its keys say they are about it. */
  private abstract static class GeneratedKeys {
    @JsonProperty("generated-path")
    String path;

    @JsonProperty("generated-limit")
    int limit;

    @JsonProperty("generated-image-key")
    String imageKey;

    @JsonProperty("generated-label-key")
    String labelKey;
  }

  /** Reads a key whose value is not a single setting (a list of sizes, a nested section). */
  interface KeyReader extends BiFunction<YamlMap, String, Object> {}

  private final Class<T> type;
  /** YAML key -> its Java type, in the record's order. */
  private final Map<String, JavaType> keys = new LinkedHashMap<>();
  private final Map<String, KeyReader> readers = new LinkedHashMap<>();

  private SectionBinder(Class<T> type, Set<String> setByLoader) {
    this.type = type;
    BeanDescription d = YAML_VIEW.getDeserializationConfig().introspect(YAML_VIEW.constructType(type));
    for (BeanPropertyDefinition p : d.findProperties()) {
      if (p.hasConstructorParameter()) { // a component, not a derived getter such as isExternal()
        keys.put(p.getName(), p.getPrimaryType());
      }
    }
    if (!keys.keySet().containsAll(setByLoader)) {
      throw new IllegalArgumentException(type.getSimpleName() + " has no components " + setByLoader
          + " (its keys: " + keys.keySet() + ")");
    }
    keys.keySet().removeAll(setByLoader);
  }

  /**
   * @param type the record
   * @param setByLoader components a spec does not write under their own name: the loader sets
   *     them (a seed from the pipeline's seeds, a file's hash) or assembles them from other keys
   */
  static <T extends Record> SectionBinder<T> of(Class<T> type, String... setByLoader) {
    return new SectionBinder<>(type, Set.of(setByLoader));
  }

  /**
   * @param key a key whose type is not a single setting
   * @param reader reads it; returns null when the key is absent or its mistake was reported
   * @return this binder
   */
  SectionBinder<T> reading(String key, KeyReader reader) {
    if (!keys.containsKey(key)) {
      throw new IllegalArgumentException(type.getSimpleName() + " has no key " + key);
    }
    readers.put(key, reader);
    return this;
  }

  /** @return the keys a spec may write, in the record's order */
  List<String> keys() {
    return List.copyOf(keys.keySet());
  }

  /** @return the keys of a mapping that several records are read from, in order */
  static List<String> keys(SectionBinder<?>... binders) {
    List<String> all = new ArrayList<>();
    for (SectionBinder<?> b : binders) {
      all.addAll(b.keys());
    }
    return List.copyOf(all);
  }

  /**
   * Type-checks every key of this record that {@code m} holds; each mistake is reported at its key
   * and the key is left out, so its default stands in and the record's checks still run.
   *
   * @return the values written, by key
   */
  Values read(YamlMap m) {
    Values values = new Values();
    for (Map.Entry<String, JavaType> k : keys.entrySet()) {
      String key = k.getKey();
      if (!m.has(key)) {
        continue;
      }
      int before = m.errors().count();
      KeyReader reader = readers.get(key);
      Object v = reader != null ? reader.apply(m, key) : scalar(m, key, k.getValue().getRawClass());
      if (v != null && m.errors().count() == before) {
        values.put(key, v);
      }
    }
    return values;
  }

  /** @return the value of a single setting, or null after reporting why it cannot be one */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private Object scalar(YamlMap m, String key, Class<?> raw) {
    if (raw == String.class) {
      return m.string(key, null);
    } else if (raw == int.class || raw == Integer.class) {
      return m.integer(key, 0);
    } else if (raw == long.class || raw == Long.class) {
      return m.longValue(key, 0);
    } else if (raw == double.class || raw == Double.class) {
      return m.number(key, 0);
    } else if (raw == boolean.class || raw == Boolean.class) {
      return m.bool(key, false);
    } else if (raw.isEnum() && Keyed.class.isAssignableFrom(raw)) {
      return m.parsed(key, null, s -> Keyed.parse((Class) raw, key, s));
    }
    throw new IllegalStateException(type.getSimpleName() + "." + key + " is a " + raw.getSimpleName()
        + ": give the binder a reader for it");
  }

  /** {@link #read} then {@link #bind}, for a section whose defaults do not depend on what it says. */
  T bind(YamlMap m, T defaults) {
    return bind(m, read(m), () -> defaults);
  }

  /**
   * Constructs the record: the defaults with every value written put over them.
   *
   * @param defaults the record a section that writes nothing gets; called once, inside the
   *     record checks, so a value it takes from the spec is reported like any other; returns null
   *     when a key the defaults depend on is missing (already reported)
   * @return the record, or null if its constructor refused it or the defaults could not be made
   *     (reported); keys {@link #read} reported are at their defaults, and the spec fails anyway
   */
  T bind(YamlMap m, Values written, Supplier<T> defaults) {
    return RecordChecks.construct(m, () -> {
      T base = defaults.get();
      if (base == null) {
        return null;
      }
      ObjectNode tree = YAML_VIEW.valueToTree(base);
      written.values.forEach((key, v) -> tree.set(key, YAML_VIEW.valueToTree(v)));
      try {
        return YAML_VIEW.treeToValue(tree, type);
      } catch (JsonMappingException e) {
        // the constructor's own complaint, which names its key; anything else is a bug here
        for (Throwable c = e; c != null; c = c.getCause()) {
          if (c instanceof IllegalArgumentException bad) {
            throw bad;
          }
        }
        throw new IllegalStateException("cannot bind " + type.getSimpleName() + " from " + tree, e);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException("cannot bind " + type.getSimpleName() + " from " + tree, e);
      }
    });
  }

  /** The values a section wrote, by key, type-checked; sections may add what they read themselves. */
  static final class Values {
    private final Map<String, Object> values = new LinkedHashMap<>();

    boolean has(String key) {
      return values.containsKey(key);
    }

    /** @return the value, or null if the key was not written (or was reported) */
    <V> V get(String key, Class<V> type) {
      return type.cast(values.get(key));
    }

    void put(String key, Object value) {
      values.put(key, value);
    }

    void remove(String key) {
      values.remove(key);
    }
  }
}
