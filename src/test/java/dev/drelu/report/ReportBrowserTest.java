package dev.drelu.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens the quickstart report in headless Chromium: takes a screenshot, and checks from the DOM
 * Chromium built that every table is there and every image decoded (naturalWidth &gt; 0 is only
 * true for an image that loaded). Needs {@code chromium} on the PATH or at /usr/bin/chromium;
 * ci/test.sh installs it.
 */
class ReportBrowserTest {
  @TempDir Path tmp;

  @Test
  void quickstartReportRendersInHeadlessChromium() throws Exception {
    Path chromium = chromium();
    Report report = ReportWriter.write(QuickstartFixture.input(), tmp.resolve("report"));
    // a probe the page cannot hold by itself: after load, write what the browser saw into the DOM
    String html = Files.readString(report.index());
    Path probed = report.dir().resolve("probed.html");
    Files.writeString(probed, html.replace("</body>", """
        <script>
        window.addEventListener('load', () => {
          const imgs = [...document.images];
          const broken = imgs.filter(i => !i.complete || i.naturalWidth === 0).map(i => i.getAttribute('src'));
          const out = document.createElement('pre');
          out.id = 'probe';
          out.textContent = 'images=' + imgs.length + ' broken=' + broken.length + ' [' + broken.join(' ') + ']'
              + ' tables=' + document.querySelectorAll('table').length;
          document.body.appendChild(out);
        });
        </script>
        </body>"""));

    Path screenshot = tmp.resolve("report.png");
    run(chromium, List.of("--screenshot=" + screenshot, "--window-size=1280,2000", report.index().toUri().toString()));
    assertTrue(Files.isRegularFile(screenshot), "chromium wrote no screenshot");
    assertTrue(Files.size(screenshot) > 20_000, "the screenshot is too small to hold the page: " + Files.size(screenshot));
    BufferedImage shot = ImageIO.read(screenshot.toFile());
    assertEquals(1280, shot.getWidth());
    assertEquals(2000, shot.getHeight());

    String dom = run(chromium, List.of("--virtual-time-budget=5000", "--dump-dom", probed.toUri().toString()));
    assertTrue(dom.contains("<pre id=\"probe\">images=8 broken=0 [] tables=4</pre>"), probeLine(dom));
    assertTrue(dom.contains("<table class=\"accuracy\">") && dom.contains("<table class=\"stats\">")
        && dom.contains("<table class=\"ranks\">") && dom.contains("<table class=\"masking\">"));
  }

  private static String probeLine(String dom) {
    int at = dom.indexOf("id=\"probe\"");
    return at < 0 ? "no probe output in the DOM (did the page's load event fire?):\n" + dom.substring(0, Math.min(2000, dom.length()))
        : dom.substring(at, Math.min(dom.length(), at + 300));
  }

  private String run(Path chromium, List<String> args) throws Exception {
    List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--allow-file-access-from-files",
        "--user-data-dir=" + Files.createTempDirectory(tmp, "profile")));
    command.addAll(args);
    Path out = Files.createTempFile(tmp, "chromium", ".out");
    Path err = Files.createTempFile(tmp, "chromium", ".err");
    Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish in 120 s: " + Files.readString(err));
    }
    assertEquals(0, p.exitValue(), "chromium failed: " + Files.readString(err));
    return Files.readString(out);
  }

  private static Path chromium() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      for (String name : List.of("chromium", "chromium-browser")) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p)) {
          return p;
        }
      }
    }
    Path p = Path.of("/usr/bin/chromium");
    if (Files.isExecutable(p)) {
      return p;
    }
    throw new AssertionError("this test needs Chromium: ci/test.sh installs it (apt-get install -y chromium)");
  }
}
