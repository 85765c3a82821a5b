package dev.drelu.store;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A stage output's values in the form its manifest's {@code summary} keeps them: every value as
 * text (what {@code drelu cache ls} shows), each declared either a number (an MLflow metric) or a
 * label (an MLflow tag). Written with typed adders and read back with typed getters, so no reader
 * decides what a value is by trying to parse it.
 */
public final class SummaryFields {
  private final Map<String, Double> metrics = new TreeMap<>();
  private final Map<String, String> tags = new TreeMap<>();
  private final Map<String, String> text = new TreeMap<>();

  /** A whole number (a count, an epoch): a metric, written without a decimal point ("500"). */
  public SummaryFields count(String name, long value) {
    metrics.put(name, (double) value);
    text.put(name, Long.toString(value));
    return this;
  }

  /** A measured number: a metric, written as Java prints a double ("0.951", "NaN"). */
  public SummaryFields number(String name, double value) {
    metrics.put(name, value);
    text.put(name, Double.toString(value));
    return this;
  }

  /** A label (a name, a device, a verdict): a tag, even if it happens to look like a number. */
  public SummaryFields label(String name, String value) {
    tags.put(name, value);
    text.put(name, value);
    return this;
  }

  /** @return the numbers by name */
  public Map<String, Double> metrics() {
    return Collections.unmodifiableMap(metrics);
  }

  /** @return the labels by name */
  public Map<String, String> tags() {
    return Collections.unmodifiableMap(tags);
  }

  /** @return every value as text: the manifest's summary */
  public Map<String, String> text() {
    return Collections.unmodifiableMap(text);
  }

  /** @return a reader of a committed artifact's summary */
  public static Reader of(Artifact artifact) {
    return new Reader(artifact.ref().location(), artifact.manifest().summary());
  }

  /**
   * Typed getters over a committed artifact's summary. A missing entry or one that is not the
   * declared kind is a {@link CorruptArtifactException} naming the artifact and the entry: the
   * output's own record wrote every entry it reads.
   */
  public static final class Reader {
    private final String location;
    private final Map<String, String> summary;

    Reader(String location, Map<String, String> summary) {
      this.location = location;
      this.summary = summary;
    }

    /** @return whether the summary has the entry (an optional value) */
    public boolean has(String name) {
      return summary.containsKey(name);
    }

    /** @return a label */
    public String label(String name) throws CorruptArtifactException {
      String v = summary.get(name);
      if (v == null) {
        throw new CorruptArtifactException(location + "/" + ArtifactStore.MANIFEST + ": the summary has no '" + name
            + "' (it has " + String.join(", ", summary.keySet()) + ")");
      }
      return v;
    }

    /** @return a whole number */
    public long count(String name) throws CorruptArtifactException {
      return parsed(name, "a whole number", Long::parseLong);
    }

    /** @return a whole number that fits an int */
    public int smallCount(String name) throws CorruptArtifactException {
      long v = count(name);
      if (v != (int) v) {
        throw notA("a whole number below 2^31", name, Long.toString(v));
      }
      return (int) v;
    }

    /** @return a number ("NaN" included: it is how a value that could not be measured is written) */
    public double number(String name) throws CorruptArtifactException {
      return parsed(name, "a number", Double::parseDouble);
    }

    /** @return the entry parsed as the kind its writer declared */
    private <T> T parsed(String name, String kind, java.util.function.Function<String, T> parse)
        throws CorruptArtifactException {
      String v = label(name);
      try {
        return parse.apply(v);
      } catch (NumberFormatException e) {
        throw notA(kind, name, v);
      }
    }

    private CorruptArtifactException notA(String kind, String name, String value) {
      return new CorruptArtifactException(location + "/" + ArtifactStore.MANIFEST + ": summary '" + name
          + "' must be " + kind + ", but was: " + value);
    }
  }
}
