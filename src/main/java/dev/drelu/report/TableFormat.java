package dev.drelu.report;

import java.util.Locale;

/** The formats a {@link PaperTable} is written in, with their file extensions. */
public enum TableFormat {
  MARKDOWN("md"),
  CSV("csv"),
  HTML("html"),
  LATEX("tex");

  private final String extension;

  TableFormat(String extension) {
    this.extension = extension;
  }

  /** @return the file extension, without a dot */
  public String extension() {
    return extension;
  }

  /** @return the format named {@code name} (case-insensitive; "md" and "tex" accepted) */
  public static TableFormat parse(String name) {
    for (TableFormat f : values()) {
      if (f.name().equalsIgnoreCase(name) || f.extension.equalsIgnoreCase(name)) {
        return f;
      }
    }
    throw new IllegalArgumentException("table format must be one of markdown, csv, html, latex, but was: "
        + name.toLowerCase(Locale.ROOT));
  }
}
