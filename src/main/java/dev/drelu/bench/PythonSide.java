package dev.drelu.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Runs bench/reference/reference.py in the reference venv, one fresh process per call (so its
 * peak resident memory is its own), and returns the JSON object it prints.
 */
final class PythonSide {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path python;
  private final Path script;
  private final Path work;
  private int calls;

  PythonSide(Path python, Path projectRoot, Path work) {
    this.python = python;
    this.script = projectRoot.resolve("bench/reference/reference.py");
    this.work = work;
  }

  /**
   * @param config what reference.py reads (mode, model, data, threads, ...)
   * @throws IOException if the script fails; the message holds the end of its error output
   */
  JsonNode run(Map<String, Object> config) throws IOException, InterruptedException {
    calls++;
    Path configFile = work.resolve("reference-" + calls + ".json");
    Path errors = work.resolve("reference-" + calls + ".err");
    JSON.writeValue(configFile.toFile(), config);
    Process p = new ProcessBuilder(List.of(python.toString(), script.toString(), configFile.toString()))
        .redirectError(errors.toFile())
        .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (p.waitFor() != 0 || out.isEmpty()) {
      String err = Files.readString(errors, StandardCharsets.UTF_8).strip();
      String tail = err.length() > 2000 ? err.substring(err.length() - 2000) : err;
      throw new IOException("the reference script failed (exit " + p.exitValue() + ", config " + configFile + "): "
          + tail);
    }
    String[] lines = out.split("\n");
    return JSON.readTree(lines[lines.length - 1]);
  }
}
