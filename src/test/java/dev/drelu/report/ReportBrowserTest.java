package dev.drelu.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drelu.testing.Chromium;
import dev.drelu.testing.Slow;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens the quickstart report in headless Chromium: takes a screenshot, and checks from the DOM
 * Chromium built that every table is there and every image decoded (naturalWidth &gt; 0 is only
 * true for an image that loaded). Needs {@code chromium} on the PATH or at /usr/bin/chromium;
 * ci/test.sh installs it.
 */
@Slow
class ReportBrowserTest {
  @TempDir Path tmp;

  @Test
  void quickstartReportRendersInHeadlessChromium() throws Exception {
    Report report = ReportWriter.write(QuickstartFixture.input(), tmp.resolve("report"));
    Path screenshot = tmp.resolve("report.png");
    Chromium.run(tmp, List.of("--screenshot=" + screenshot, "--window-size=1280,2000", report.index().toUri().toString()));
    assertTrue(Files.isRegularFile(screenshot), "chromium wrote no screenshot");
    assertTrue(Files.size(screenshot) > 20_000, "the screenshot is too small to hold the page: " + Files.size(screenshot));
    BufferedImage shot = ImageIO.read(screenshot.toFile());
    assertEquals(1280, shot.getWidth());
    assertEquals(2000, shot.getHeight());

    assertEquals("images=8 broken=0 [] tables=4", Chromium.probe(report.index(), tmp));
    String dom = Files.readString(report.index());
    assertTrue(dom.contains("<table class=\"accuracy\">") && dom.contains("<table class=\"stats\">")
        && dom.contains("<table class=\"ranks\">") && dom.contains("<table class=\"masking\">"));
  }
}
