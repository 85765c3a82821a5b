package dev.drelu.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Headless Chromium for tests that look at a generated page as a person would. */
public final class Chromium {
  private Chromium() {}

  /**
   * Loads {@code page} and reports, from inside the browser after the load event, how many
   * images it has, which did not load, and how many tables it has.
   *
   * @return e.g. "images=8 broken=0 [] tables=4"
   */
  public static String probe(Path page, Path tmp) throws Exception {
    String html = Files.readString(page);
    Path probed = page.resolveSibling("probed-" + page.getFileName());
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
    String dom = run(tmp, List.of("--virtual-time-budget=5000", "--dump-dom", probed.toUri().toString()));
    int at = dom.indexOf("<pre id=\"probe\">");
    if (at < 0) {
      throw new AssertionError("no probe output in the DOM (did the page's load event fire?):\n"
          + dom.substring(0, Math.min(2000, dom.length())));
    }
    return dom.substring(at + "<pre id=\"probe\">".length(), dom.indexOf("</pre>", at));
  }

  /** Runs headless Chromium with the flags this closed network needs and returns its stdout. */
  public static String run(Path tmp, List<String> args) throws Exception {
    List<String> command = new ArrayList<>(List.of(executable().toString(), "--headless", "--no-sandbox",
        "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--allow-file-access-from-files",
        "--user-data-dir=" + Files.createTempDirectory(tmp, "profile")));
    command.addAll(args);
    Path out = Files.createTempFile(tmp, "chromium", ".out");
    Path err = Files.createTempFile(tmp, "chromium", ".err");
    Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish in 120 s: " + Files.readString(err));
    }
    if (p.exitValue() != 0) {
      throw new AssertionError("chromium failed: " + Files.readString(err));
    }
    return Files.readString(out);
  }

  /** @return the Chromium executable (ci/test.sh installs Debian's chromium) */
  public static Path executable() {
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
