package dev.drelu.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The pinned Python venv of the reference side (CPU PyTorch 2.7.1, the libtorch DJL runs, and
 * torchattacks), created once by bench/reference/install.sh under .drelu/bench/venv; the
 * script returns at once when the venv already holds exactly the pinned requirements.
 */
final class ReferenceVenv {
  private ReferenceVenv() {}

  /**
   * @return the venv's python
   * @throws IOException if the install fails (its output is passed on, the message says so)
   */
  static Path ensure(Path projectRoot, Path venv) throws IOException, InterruptedException {
    Path script = projectRoot.resolve("bench/reference/install.sh");
    if (!Files.isRegularFile(script)) {
      throw new IOException("the reference install script is missing at " + script
          + "; run drelu bench --against pytorch from the project checkout");
    }
    Process p = new ProcessBuilder("bash", script.toString(), venv.toString()).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IOException("installing the reference venv into " + venv + " failed (exit " + p.exitValue()
          + ", output above); it needs PyPI and ~4.5 GB of disk; delete the folder and retry");
    }
    return venv.resolve("bin/python");
  }
}
