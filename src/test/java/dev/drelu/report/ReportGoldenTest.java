package dev.drelu.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quickstart report's page and table files, byte for byte, against copies kept in
 * src/test/resources/dev/drelu/report/golden. They pin the rendering while the table and CSV
 * code underneath changes: a difference here is a visible change to say in the commit. Run with
 * {@code -Ddrelu.updateGolden=true} to replace the copies after a deliberate change.
 */
class ReportGoldenTest {
  static final Path GOLDEN = Path.of("src/test/resources/dev/drelu/report/golden");
  static final List<String> FILES = List.of("index.html", "tables/accuracy.md", "tables/accuracy.csv",
      "tables/accuracy.html", "tables/accuracy.tex", "tables/statistics.md", "data/accuracy-long.csv");

  @TempDir Path dir;

  @Test
  void theQuickstartReportIsUnchanged() throws Exception {
    ReportWriter.write(QuickstartFixture.input(), dir);
    for (String name : FILES) {
      Path golden = GOLDEN.resolve(name);
      if (Boolean.getBoolean("drelu.updateGolden")) {
        Files.createDirectories(golden.getParent());
        Files.copy(dir.resolve(name), golden, StandardCopyOption.REPLACE_EXISTING);
      }
      assertEquals(Files.readString(golden), Files.readString(dir.resolve(name)), name);
    }
  }
}
