package dev.drelu.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The whole quickstart, from an empty store, at 2 tasks x 1 torch thread and at 1 task x 2
 * threads (drelu only: a Python loop has no such choice). It runs ./drelu in a child process,
 * without MLflow, and takes minutes per run.
 */
final class PipelineTiming {
  private PipelineTiming() {}

  /** @return one row per layout, wall seconds per run (lower is better, no reference side) */
  static List<BenchRow> measure(BenchSettings s, Path work, PrintWriter progress)
      throws IOException, InterruptedException {
    List<Double> twoByOne = new ArrayList<>();
    List<Double> oneByTwo = new ArrayList<>();
    for (int run = 1; run <= s.runs(); run++) {
      progress.printf("  quickstart, run %d of %d%n", run, s.runs());
      progress.flush();
      // alternated like the two sides of the other rows
      boolean wideFirst = run % 2 == 1;
      (wideFirst ? twoByOne : oneByTwo).add(seconds(s, work, wideFirst ? 2 : 1, wideFirst ? 1 : 2, run));
      (wideFirst ? oneByTwo : twoByOne).add(seconds(s, work, wideFirst ? 1 : 2, wideFirst ? 2 : 1, run));
    }
    return List.of(new BenchRow("quickstart wall s, 2 tasks x 1 thread", false, twoByOne, List.of(), -1, Double.NaN),
        new BenchRow("quickstart wall s, 1 task x 2 threads", false, oneByTwo, List.of(), -1, Double.NaN));
  }

  private static double seconds(BenchSettings s, Path work, int parallelism, int threads, int run)
      throws IOException, InterruptedException {
    Path store = work.resolve("quickstart-store-" + parallelism + "x" + threads + "-" + run);
    Path log = work.resolve("quickstart-" + parallelism + "x" + threads + "-" + run + ".log");
    long started = System.nanoTime();
    Process p = new ProcessBuilder("bash", s.projectRoot().resolve("drelu").toString(), "quickstart", "--no-tracking",
        "--store", store.toString(), "--parallelism", Integer.toString(parallelism),
        "--torch-threads", Integer.toString(threads))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (p.waitFor() != 0) {
      // the log sits in the work folder, which goes with the run: its end goes into the message
      List<String> lines = Files.readAllLines(log);
      throw new IOException("the timed quickstart (" + parallelism + " x " + threads + ") failed (exit " + p.exitValue()
          + "); the end of its output:\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())));
    }
    double wall = (System.nanoTime() - started) / 1e9;
    dev.drelu.core.FileTrees.deleteTree(store);
    Files.deleteIfExists(log);
    return wall;
  }
}
