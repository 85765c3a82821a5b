package dev.drelu.report;

import dev.drelu.stats.CsvWriter;
import java.util.Locale;

/** The formats a {@link TextTable} (such as the {@link PaperTable}) is written in, with their file extensions. */
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

  /** @return {@code table} in this format */
  public String render(TextTable table) {
    return switch (this) {
      case MARKDOWN -> MarkdownTable.render(table);
      case CSV -> CsvWriter.write(table.header(), table.texts());
      case HTML -> HtmlTable.render(table);
      case LATEX -> LatexTable.render(table);
    };
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
