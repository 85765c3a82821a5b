package dev.drelu.report;

import java.nio.file.Path;
import java.util.List;

/**
 * A written report.
 *
 * @param dir the report's folder
 * @param index its {@code index.html}
 * @param files every file written, index included, relative paths under {@code dir}
 */
public record Report(Path dir, Path index, List<Path> files) {
  public Report {
    files = List.copyOf(files);
  }
}
