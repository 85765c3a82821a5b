package dev.drelu.report;

import java.io.Serializable;

/**
 * A link from the report to a tracking run.
 *
 * @param label what the run is, e.g. "train dense-relu s1"
 * @param url the run's page (http or https), e.g. from {@code Tracker.runUrl}
 */
public record RunLink(String label, String url) implements Serializable {
  /** @throws IllegalArgumentException unless url is http(s): anything else would be a script hole */
  public RunLink {
    if (url == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
      throw new IllegalArgumentException("run link url must start with http:// or https://, but was: " + url);
    }
    label = label == null || label.isBlank() ? url : label;
  }
}
