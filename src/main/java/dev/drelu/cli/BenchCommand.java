package dev.drelu.cli;

import ai.djl.Device;
import dev.drelu.attack.ApgdParams;
import dev.drelu.bench.BenchSettings;
import dev.drelu.bench.BenchTable;
import dev.drelu.bench.DreluSide;
import dev.drelu.bench.ResidentMemory;
import dev.drelu.bench.SideBySide;
import dev.drelu.attack.AttackMethod;
import dev.drelu.attack.AttackOutcome;
import dev.drelu.attack.PgdParams;
import dev.drelu.attack.EvaluationParams;
import dev.drelu.attack.RobustEvaluator;
import dev.drelu.attack.SquareParams;
import dev.drelu.core.FileTrees;
import dev.drelu.data.ImageDataset;
import dev.drelu.nn.Classifier;
import dev.drelu.nn.Devices;
import dev.drelu.nn.InputShape;
import dev.drelu.spec.ModelEntry;
import dev.drelu.spec.PipelineSpec;
import dev.drelu.spec.SpecLoader;
import dev.drelu.train.EpochMetrics;
import dev.drelu.train.Objective;
import dev.drelu.train.Trainer;
import dev.drelu.train.TrainingListener;
import dev.drelu.train.TrainingParams;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * drelu bench: training steps/s and attacked images/s for the quickstart's models on MNIST-shaped
 * data, and the process's resident memory epoch by epoch (it must stay flat: no NDArray growth).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Measure training steps/s, attacked images/s and memory over a long run.")
final class BenchCommand implements Callable<Integer> {
  @Option(names = "--spec", description = "pipeline whose models to measure (default: pipelines/quickstart.yaml)")
  Path spec;

  @Option(names = "--steps", defaultValue = "200", description = "training steps per epoch. Default: ${DEFAULT-VALUE}")
  int steps;

  @Option(names = "--epochs", defaultValue = "5", description = "epochs (memory is sampled after each). Default: ${DEFAULT-VALUE}")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "64", description = "Default: ${DEFAULT-VALUE}")
  int batchSize;

  @Option(names = "--attack-images", defaultValue = "1000", description = "images per attack. Default: ${DEFAULT-VALUE}")
  int attackImages;

  @Option(names = "--image-shape", defaultValue = "1x28x28", paramLabel = "CxHxW",
      description = "the random images' shape: 3x32x32 times CIFAR-sized networks. Default: ${DEFAULT-VALUE}")
  String imageShape;

  @Option(names = "--memory-images", defaultValue = "10000",
      description = "images attacked (PGD-10) while memory is watched. Default: ${DEFAULT-VALUE}")
  int memoryImages;

  @Option(names = "--torch-threads", defaultValue = "2", description = "PyTorch intra-op threads. Default: ${DEFAULT-VALUE}")
  int torchThreads;

  @Option(names = "--device", defaultValue = "auto", description = "auto, cpu, gpu or gpu:N")
  String device;

  @Option(names = "--against", description = "pytorch: run PyTorch eager and torchattacks side by side"
      + " (creates a pinned venv under .drelu/bench/venv once, ~4.5 GB)")
  String against;

  @Option(names = "--runs", defaultValue = "3", description = "with --against: runs per side, alternated (training: at least). Default: ${DEFAULT-VALUE}")
  int runs;

  @Option(names = "--threads", defaultValue = "2",
      description = "with --against: PyTorch intra-op threads on both sides. Default: ${DEFAULT-VALUE}")
  int threads;

  @Option(names = "--attack-batch", defaultValue = "250", description = "with --against: images per attack batch. Default: ${DEFAULT-VALUE}")
  int attackBatch;

  @Option(names = "--check-images", defaultValue = "32",
      description = "with --against: images of the per-example agreement check. Default: ${DEFAULT-VALUE}")
  int checkImages;

  @Option(names = "--attack-seconds", defaultValue = "" + dev.drelu.bench.BenchSettings.ATTACK_SECONDS,
      description = "with --against: each timed attack repeats passes over its images until this long has passed,"
          + " on both sides. Default: ${DEFAULT-VALUE}")
  int attackSeconds;

  @Option(names = "--warm-up-seconds", defaultValue = "" + dev.drelu.bench.BenchSettings.WARM_UP_SECONDS,
      description = "with --against: untimed drelu training per model before its timed runs, so they meet"
          + " compiled code. Default: ${DEFAULT-VALUE}")
  int warmUpSeconds;

  @Option(names = "--training-seconds", defaultValue = "" + dev.drelu.bench.BenchSettings.TRAINING_SECONDS,
      description = "with --against: a model's timed training runs go on past --runs until both sides have"
          + " trained it this long. Default: ${DEFAULT-VALUE}")
  int trainingSeconds;

  @Option(names = "--pipeline", description = "with --against: also time the whole quickstart at 2 tasks x 1 thread"
      + " and 1 x 2 (minutes)")
  boolean pipeline;

  @Spec CommandSpec command;

  @Override
  public Integer call() throws Exception {
    // before anything is built or measured: a zero here used to divide by zero or train nothing
    new OptionChecks()
        .atLeast("--steps", steps, 1, "training steps per epoch")
        .atLeast("--epochs", epochs, 1, "memory is sampled after each")
        .atLeast("--batch-size", batchSize, 1, "images per training step")
        .atLeast("--attack-images", attackImages, 0, "images per timed attack; 0 times training alone")
        .atLeast("--memory-images", memoryImages, 0, "0 skips the memory watch")
        .atLeast("--torch-threads", torchThreads, 1, "PyTorch intra-op threads")
        .throwIfAny(command);
    if (against != null) {
      return sideBySide();
    }
    System.setProperty(dev.drelu.nn.TorchThreads.PROPERTY, Integer.toString(torchThreads));
    System.setProperty("ai.djl.offline", "true");
    Path specPath = spec != null ? spec
        : Path.of(System.getProperty("drelu.project.root", ".")).resolve("pipelines/quickstart.yaml");
    PipelineSpec pipeline = SpecLoader.load(specPath);
    PrintWriter out = command.commandLine().getOut();
    Device dev = Devices.resolve(device);
    InputShape shape = shape(imageShape);
    ImageDataset train = randomImages(steps * batchSize, 1, shape);
    ImageDataset validation = randomImages(batchSize, 2, shape);
    ImageDataset attackSet = randomImages(attackImages, 3, shape);
    out.printf("drelu bench: %d steps x %d epochs at batch %d, %d torch thread(s), device %s, %d attacked images%n",
        steps, epochs, batchSize, torchThreads, dev, attackImages);
    out.printf("%-22s %12s %12s %12s %14s %16s %14s%n", "model", "train step/s", "rss first MB", "rss last MB",
        "pgd-10 img/s", "apgd-ce-100 img/s", "square-1k img/s");
    List<ModelEntry> seen = new ArrayList<>();
    for (ModelEntry entry : pipeline.models()) {
      if (entry.isExternal()) {
        continue; // the bench times training, and an external model is never trained
      }
      if (seen.stream().anyMatch(e -> e.model().architecture() == entry.model().architecture()
          && e.model().activation() == entry.model().activation())) {
        continue;
      }
      seen.add(entry);
      TrainingParams p = new TrainingParams(epochs, batchSize, 1e-3, entry.training().lambda(), 0.5, 1000, 1000,
          TrainingParams.Monitor.TOTAL, entry.training().capLearningRate(), 1);
      List<Double> stepsPerSecond = new ArrayList<>();
      List<Long> rss = new ArrayList<>();
      List<Integer> arrays = new ArrayList<>();
      Path work = Files.createTempDirectory("drelu-bench");
      try (Classifier model = Classifier.create(entry.model(), shape, 1, dev)) {
        new Trainer(p, Objective.NATURAL).train(model, train, validation, work, new TrainingListener() {
          @Override
          public void onEpoch(EpochMetrics m) {
            stepsPerSecond.add(steps / m.seconds());
            rss.add(residentMegabytes());
            arrays.add(liveArrays(model));
          }
        });
        // the attack stage's default layout (NCHW; channels-last only when a spec asks)
        model.setChannelsLast(EvaluationParams.defaults().channelsLast());
        // labels = the model's own predictions, so every image is attacked with the full budget
        double[] attackRates = {Double.NaN, Double.NaN, Double.NaN};
        if (attackImages > 0) {
          ImageDataset attacked = relabelled(model, attackSet);
          attackRates[0] = RobustEvaluator.run(model, attacked, PgdParams.of(0.1, 10), 250, n -> { })
              .summary().imagesPerSecond();
          attackRates[1] = RobustEvaluator.run(model, attacked,
              ApgdParams.builder(AttackMethod.APGD_CE).epsilon(0.1).build(), 250, n -> { }).summary().imagesPerSecond();
          attackRates[2] = RobustEvaluator.run(model, attacked,
              SquareParams.builder().epsilon(0.1).queries(1000).build(), 250, n -> { }).summary().imagesPerSecond();
        }
        // the first epoch warms up the allocator and JIT; report the steady state
        double rate = stepsPerSecond.stream().skip(stepsPerSecond.size() > 1 ? 1 : 0)
            .mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        out.printf("%-22s %12.2f %12d %12d %14.1f %16.1f %14.1f%n", entry.name(), rate, rss.get(0),
            rss.get(rss.size() - 1), attackRates[0], attackRates[1], attackRates[2]);
        out.println("    rss after each epoch (MB): " + rss);
        out.println("    live NDArrays on the model's manager after each epoch: " + arrays);
        if (memoryImages > 0) {
          ImageDataset many = relabelled(model, randomImages(memoryImages, 4, shape));
          List<String> watch = new ArrayList<>();
          int step = Math.max(250, memoryImages / 5);
          RobustEvaluator.run(model, many, PgdParams.of(0.1, 10), 250, done -> {
            if (done % step == 0 || done == many.size()) {
              watch.add(done + ": " + liveArrays(model) + " arrays, " + residentMegabytes() + " MB");
            }
          });
          out.println("    PGD-10 over " + memoryImages + " images (done: live arrays, rss): " + watch);
        }
        out.flush();
      } finally {
        FileTrees.deleteTree(work);
      }
    }
    out.println("(train step/s excludes the first epoch; rss = resident memory after the first and last epoch;"
        + " the JVM heap and the native allocator grow during the first epochs, then stay flat)");
    out.flush();
    return 0;
  }

  /** drelu bench --against pytorch: see {@link SideBySide}. */
  private int sideBySide() throws Exception {
    if (!"pytorch".equals(against)) {
      throw new picocli.CommandLine.ParameterException(command.commandLine(),
          "--against must be pytorch (the only reference side), but was: " + against);
    }
    new OptionChecks()
        .atLeast("--runs", runs, 1, "runs per side")
        .atLeast("--threads", threads, 1, "PyTorch intra-op threads")
        .atLeast("--attack-batch", attackBatch, 1, "images per attack batch")
        .atLeast("--check-images", checkImages, 1, "images of the agreement check")
        .atLeast("--attack-seconds", attackSeconds, 0, "0 times one pass")
        .atLeast("--warm-up-seconds", warmUpSeconds, 0, "0 warms up with one untimed run")
        .atLeast("--training-seconds", trainingSeconds, 0, "0 trains --runs times")
        .throwIfAny(command);
    System.setProperty(dev.drelu.nn.TorchThreads.PROPERTY, Integer.toString(threads));
    System.setProperty("ai.djl.offline", "true");
    Path root = Path.of(System.getProperty("drelu.project.root", ".")).toAbsolutePath();
    Path home = dev.drelu.core.DreluHome.get();
    BenchSettings settings = new BenchSettings(runs, threads, steps, batchSize, attackImages, attackBatch, attackSeconds,
        checkImages, dev.drelu.bench.BenchAttack.timed(), warmUpSeconds, trainingSeconds, pipeline, root, home);
    PrintWriter out = command.commandLine().getOut();
    SideBySide.Result result = new SideBySide(settings, Devices.resolve(device), out).run();
    BenchTable.print(result, out);
    Path written = BenchTable.write(result, settings.benchHome().resolve("results"),
        java.time.LocalDateTime.now().format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    out.println("written: " + written + " and its .json");
    out.flush();
    return 0;
  }

  /** @return the shape "CxHxW" names, with 10 classes */
  private InputShape shape(String text) {
    String[] p = text.split("x");
    try {
      if (p.length == 3) {
        return new InputShape(Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]), 10);
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new picocli.CommandLine.ParameterException(command.commandLine(),
        "--image-shape must be CxHxW with positive whole numbers (e.g. 3x32x32), but was: " + text);
  }

  private static ImageDataset randomImages(int n, long seed, InputShape shape) {
    Random r = new Random(seed);
    float[] pixels = new float[n * shape.channels() * shape.height() * shape.width()];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = r.nextFloat();
    }
    int[] labels = new int[n];
    int[] index = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = r.nextInt(10);
      index[i] = i;
    }
    return new ImageDataset(pixels, labels, index, shape.channels(), shape.height(), shape.width(), 10);
  }

  private static ImageDataset relabelled(Classifier model, ImageDataset data) {
    return DreluSide.relabelled(model, data);
  }

  /** @return the NDArrays the model's manager and its children hold (must not grow with steps) */
  static int liveArrays(Classifier model) {
    return model.manager() instanceof ai.djl.ndarray.BaseNDManager m ? m.getManagedArrays().size() : -1;
  }

  static long residentMegabytes() {
    return ResidentMemory.currentMegabytes();
  }
}
