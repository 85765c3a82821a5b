package dev.drelu.bench;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import dev.drelu.attack.AttackOutcome;
import dev.drelu.attack.EvaluationParams;
import dev.drelu.attack.RobustEvaluator;
import dev.drelu.core.FileTrees;
import dev.drelu.core.NativeAllocator;
import dev.drelu.data.ImageDataset;
import dev.drelu.export.TorchScriptExport;
import dev.drelu.nn.Classifier;
import dev.drelu.nn.InputShape;
import dev.drelu.train.TrainingParams;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs drelu and the reference side on the same networks, weights, data and settings, each
 * {@code runs} times, alternated (the side that goes first swaps every run, so a machine whose
 * load drifts favours neither), and checks that the two sides do equal work.
 */
public final class SideBySide {
  static final InputShape SHAPE = new InputShape(1, 28, 28, 10);
  static final long SEED = 1;
  /** The pipeline's default layouts (channels-last = true): NCHW for training and attacks. */
  private static final boolean TRAINING_LAYOUT = TrainingParams.paper().channelsLast();
  private static final boolean ATTACK_LAYOUT = EvaluationParams.defaults().channelsLast();

  /** The loss both sides compute on the same batch from the same initial weights. */
  public record EqualLoss(String model, double drelu, double reference) {
    public double difference() {
      return Math.abs(drelu - reference);
    }
  }

  /** Per example, whether the deterministic PGD fooled the model, on each side. */
  public record Agreement(String model, String attack, List<Boolean> drelu, List<Boolean> reference) {
    /** @return the fraction of examples on which both sides agree */
    public double agreeing() {
      int same = 0;
      for (int i = 0; i < drelu.size(); i++) {
        same += drelu.get(i).equals(reference.get(i)) ? 1 : 0;
      }
      return drelu.isEmpty() ? Double.NaN : (double) same / drelu.size();
    }
  }

  /** Everything one benchmark measured. */
  public record Result(BenchSettings settings, List<BenchRow> rows, List<EqualLoss> losses,
      List<Agreement> agreements, String loadAtStart, String loadAtEnd, String referenceTorch,
      String nativeAllocator) {}

  private final BenchSettings settings;
  private final Device device;
  private final PrintWriter progress;
  private final List<BenchRow> rows = new ArrayList<>();
  private final List<EqualLoss> losses = new ArrayList<>();
  private final List<Agreement> agreements = new ArrayList<>();
  private String referenceTorch = "?";

  public SideBySide(BenchSettings settings, Device device, PrintWriter progress) {
    this.settings = settings;
    this.device = device;
    this.progress = progress;
  }

  /** @return the measurements (the caller prints and writes them) */
  public Result run() throws IOException, InterruptedException {
    String loadAtStart = LoadAverage.now();
    Path python = ReferenceVenv.ensure(settings.projectRoot(), settings.benchHome().resolve("venv"));
    Files.createDirectories(settings.benchHome());
    Path work = Files.createTempDirectory(settings.benchHome(), "work-");
    try {
      PythonSide reference = new PythonSide(python, settings.projectRoot(), work);
      ImageDataset train = BenchData.digits(settings.projectRoot(), settings.home(),
          settings.steps() * settings.batchSize());
      Path trainNpz = work.resolve("train.npz");
      BenchData.writeNpz(train, trainNpz);
      for (BenchModel model : BenchModel.all()) {
        measure(model, train, trainNpz, reference, work);
      }
      if (settings.pipeline()) {
        rows.addAll(PipelineTiming.measure(settings, work, progress));
      }
    } finally {
      FileTrees.deleteTree(work);
    }
    // the reference processes inherit this JVM's environment, so its allocator settings too
    return new Result(settings, rows, losses, agreements, loadAtStart, LoadAverage.now(), referenceTorch,
        NativeAllocator.describe());
  }

  private void measure(BenchModel model, ImageDataset train, Path trainNpz, PythonSide reference, Path work)
      throws IOException, InterruptedException {
    Path initial = work.resolve(model.name() + "-initial.pt");
    try (Classifier fresh = create(model)) {
      TorchScriptExport.write(fresh, initial);
      double dreluLoss = DreluSide.initialLoss(fresh, train, settings.batchSize());
      JsonNode check = reference.run(trainConfig(model, trainNpz, initial, 0));
      losses.add(new EqualLoss(model.name(), dreluLoss, check.get("initialLoss").asDouble()));
    }
    warmUp(model, train, work);
    // drelu trains a convolutional network in NCHW (its default) and channels-last (training:
    // channels-last: true); the reference trains once per run, in PyTorch's default NCHW
    List<Boolean> layouts = layouts(model, TRAINING_LAYOUT);
    Map<Boolean, List<Double>> dreluRates = new LinkedHashMap<>();
    layouts.forEach(channelsLast -> dreluRates.put(channelsLast, new ArrayList<>()));
    List<Double> referenceRates = new ArrayList<>();
    double referenceMb = 0;
    Classifier trained = null;
    try {
      long started = System.nanoTime();
      for (int run = 1; run <= settings.runs() || (System.nanoTime() - started) / 1e9 < settings.trainingSeconds();
          run++) {
        progress.printf("  %s training, run %d (at least %d, and %d s)%n", model.name(), run, settings.runs(),
            settings.trainingSeconds());
        progress.flush();
        boolean dreluFirst = run % 2 == 1;
        if (!dreluFirst) {
          referenceMb = Math.max(referenceMb, trainReference(model, trainNpz, initial, reference, referenceRates));
        }
        for (boolean channelsLast : layouts) {
          Classifier c = create(model);
          Path checkpoints = Files.createDirectories(work.resolve(model.name() + "-train-" + run + "-" + channelsLast));
          dreluRates.get(channelsLast).add(DreluSide.trainingStepsPerSecond(c, train, settings.steps(),
              settings.batchSize(), channelsLast, checkpoints));
          if (trained == null && model.attacked()) {
            trained = c; // both sides attack the weights drelu trained in the default layout (NCHW)
          } else {
            c.close();
          }
        }
        if (dreluFirst) {
          referenceMb = Math.max(referenceMb, trainReference(model, trainNpz, initial, reference, referenceRates));
        }
      }
      for (boolean channelsLast : layouts) {
        rows.add(new BenchRow("train steps/s " + layoutName(model, channelsLast, TRAINING_LAYOUT), true,
            dreluRates.get(channelsLast), referenceRates, ResidentMemory.currentMegabytes(), referenceMb));
      }
      if (trained != null) {
        attack(model, trained, reference, work);
      }
    } finally {
      if (trained != null) {
        trained.close();
      }
    }
  }

  /**
   * Trains throwaway copies of the model, untimed, on drelu's side, in each layout it will be timed
   * in, whole runs at a time until {@link BenchSettings#warmUpSeconds} have passed (at least one
   * run): see {@link BenchSettings#WARM_UP_SECONDS} for why. The reference has no compiler to warm
   * (each of its runs is a new process, timed on the same last epochs); the attacks get their
   * untimed batch on both sides.
   */
  private void warmUp(BenchModel model, ImageDataset train, Path work) throws IOException {
    progress.printf("  %s training, warm-up (drelu, untimed, at least %d s)%n", model.name(), settings.warmUpSeconds());
    progress.flush();
    List<Boolean> layouts = layouts(model, TRAINING_LAYOUT);
    long started = System.nanoTime();
    int round = 0;
    double rate;
    do {
      boolean channelsLast = layouts.get(round % layouts.size());
      try (Classifier c = create(model)) {
        Path checkpoints = Files.createDirectories(work.resolve(model.name() + "-warm-up-" + round));
        rate = DreluSide.trainingStepsPerSecond(c, train, settings.steps(), settings.batchSize(), channelsLast,
            checkpoints);
      }
      round++;
    } while ((System.nanoTime() - started) / 1e9 < settings.warmUpSeconds());
    progress.printf(Locale.ROOT, "  %s training, warm-up: %d untimed run(s) in %.0f s, the last at %.1f steps/s%n",
        model.name(), round, (System.nanoTime() - started) / 1e9, rate);
    progress.flush();
  }

  private double trainReference(BenchModel model, Path trainNpz, Path initial, PythonSide reference, List<Double> rates)
      throws IOException, InterruptedException {
    JsonNode r = reference.run(trainConfig(model, trainNpz, initial, settings.steps()));
    rates.add(r.get("stepsPerSecond").asDouble());
    referenceTorch = r.get("torch").asText();
    return r.get("residentMegabytes").asDouble();
  }

  private void attack(BenchModel model, Classifier trained, PythonSide reference, Path work)
      throws IOException, InterruptedException {
    Path copy = work.resolve(model.name() + "-trained.pt");
    TorchScriptExport.write(trained, copy);
    ImageDataset images = DreluSide.relabelled(trained,
        BenchData.digits(settings.projectRoot(), settings.home(), settings.attackImages()));
    Path npz = work.resolve(model.name() + "-attack.npz");
    BenchData.writeNpz(images, npz);
    // equal work, per example: a deterministic PGD must fool the same images on both sides
    ImageDataset few = images.first(settings.checkImages());
    Path fewNpz = work.resolve(model.name() + "-check.npz");
    BenchData.writeNpz(few, fewNpz);
    BenchAttack fixed = BenchAttack.agreementCheck();
    JsonNode checked = reference.run(attackConfig(fewNpz, copy, List.of(fixed), 0)); // untimed: one pass
    // drelu's side in each layout it offers this model: a convolutional one in NCHW (the default)
    // and channels-last (evaluation: channels-last: true); the reference runs once per run
    List<Boolean> layouts = layouts(model, ATTACK_LAYOUT);
    List<Boolean> referenceSuccess = successes(checked.get("attacks").get(fixed.name()).get("success"));
    for (boolean channelsLast : layouts) {
      List<Boolean> dreluSuccess = inLayout(trained, channelsLast,
          () -> DreluSide.success(DreluSide.attack(trained, few, fixed, settings.attackBatch())));
      agreements.add(new Agreement(layoutName(model, channelsLast, ATTACK_LAYOUT), fixed.name(), dreluSuccess,
          referenceSuccess));
    }

    List<BenchAttack> attacks = settings.attacks();
    Map<String, List<Double>> dreluRates = new LinkedHashMap<>();
    Map<String, List<Double>> referenceRates = new LinkedHashMap<>();
    for (BenchAttack a : attacks) {
      referenceRates.put(a.name(), new ArrayList<>());
      layouts.forEach(channelsLast -> dreluRates.put(rowName(a, model, channelsLast), new ArrayList<>()));
    }
    double referenceMb = 0;
    // made once per model and layout, untimed, as the attack stage shares it between a model's attacks
    Map<Boolean, RobustEvaluator.CleanPass> clean = new LinkedHashMap<>();
    ImageDataset firstBatch = images.first(settings.attackBatch());
    for (boolean channelsLast : layouts) {
      clean.put(channelsLast, inLayout(trained, channelsLast, () -> {
        // warm-up, untimed, as on the reference side: one batch of each attack, so the JIT has compiled
        // drelu's attack loops before the first timed run
        for (BenchAttack a : attacks) {
          DreluSide.attack(trained, firstBatch, a, settings.attackBatch());
        }
        return RobustEvaluator.cleanPass(trained, images, settings.attackBatch());
      }));
    }
    for (int run = 1; run <= settings.runs(); run++) {
      progress.printf("  %s attacks, run %d of %d%n", model.name(), run, settings.runs());
      progress.flush();
      boolean dreluFirst = run % 2 == 1;
      if (!dreluFirst) {
        referenceMb = Math.max(referenceMb, attackReference(npz, copy, attacks, reference, referenceRates));
      }
      for (boolean channelsLast : layouts) {
        inLayout(trained, channelsLast, () -> {
          for (BenchAttack a : attacks) {
            dreluRates.get(rowName(a, model, channelsLast)).add(DreluSide.imagesPerSecond(trained, images, a,
                settings.attackBatch(), clean.get(channelsLast), settings.attackSeconds()));
          }
          return null;
        });
      }
      if (dreluFirst) {
        referenceMb = Math.max(referenceMb, attackReference(npz, copy, attacks, reference, referenceRates));
      }
    }
    long dreluMb = ResidentMemory.currentMegabytes();
    for (boolean channelsLast : layouts) {
      for (BenchAttack a : attacks) {
        String row = rowName(a, model, channelsLast);
        rows.add(new BenchRow(row, true, dreluRates.get(row), referenceRates.get(a.name()), dreluMb, referenceMb));
      }
    }
  }

  /** Runs {@code work} with the model in one layout, and leaves it in the default (NCHW) afterwards. */
  private static <T> T inLayout(Classifier model, boolean channelsLast, java.util.function.Supplier<T> work) {
    model.setChannelsLast(channelsLast);
    try {
      return work.get();
    } finally {
      model.setChannelsLast(false);
    }
  }

  /**
   * @param defaultLayout the pipeline's default for this work (channels-last = true)
   * @return the layouts drelu's side runs the model in: for a convolutional one the default, then
   *     the other; for a dense one NCHW alone (it has no layout)
   */
  private static List<Boolean> layouts(BenchModel model, boolean defaultLayout) {
    return model.spec().architecture().isConvolutional() ? List.of(defaultLayout, !defaultLayout) : List.of(false);
  }

  /** e.g. "pgd-20 img/s shallow-cnn" in the attacks' default layout, "... shallow-cnn nchw" in NCHW */
  private static String rowName(BenchAttack a, BenchModel model, boolean channelsLast) {
    return a.name() + " img/s " + layoutName(model, channelsLast, ATTACK_LAYOUT);
  }

  /**
   * @return the model's name, with " nchw" or " channels-last" when a convolutional network runs
   *     in the layout that is not the default for this work
   */
  private static String layoutName(BenchModel model, boolean channelsLast, boolean defaultLayout) {
    if (channelsLast == defaultLayout || !model.spec().architecture().isConvolutional()) {
      return model.name();
    }
    return model.name() + (channelsLast ? " channels-last" : " nchw");
  }

  private double attackReference(Path npz, Path copy, List<BenchAttack> attacks, PythonSide reference,
      Map<String, List<Double>> rates) throws IOException, InterruptedException {
    JsonNode r = reference.run(attackConfig(npz, copy, attacks, settings.attackSeconds()));
    for (BenchAttack a : attacks) {
      rates.get(a.name()).add(r.get("attacks").get(a.name()).get("imagesPerSecond").asDouble());
    }
    return r.get("residentMegabytes").asDouble();
  }

  private Classifier create(BenchModel model) {
    return Classifier.create(model.spec(), SHAPE, SEED, device);
  }

  private Map<String, Object> common(Path data, Path torchscript) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("threads", settings.threads());
    c.put("data", data.toString());
    c.put("torchscript", torchscript.toString());
    return c;
  }

  private Map<String, Object> trainConfig(BenchModel model, Path data, Path initial, int steps) {
    Map<String, Object> c = common(data, initial);
    c.put("mode", "train");
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("architecture", model.spec().architecture().key());
    m.put("hidden", model.spec().hidden());
    m.put("headUnits", model.spec().headUnits());
    m.put("dropout", model.spec().dropout());
    m.put("capInit", model.spec().capInit());
    m.put("width", model.spec().width());
    m.put("depth", model.spec().depth());
    c.put("model", m);
    c.put("shape", List.of(SHAPE.channels(), SHAPE.height(), SHAPE.width(), SHAPE.numClasses()));
    c.put("lambda", BenchModel.LAMBDA);
    c.put("learningRate", DreluSide.LEARNING_RATE);
    c.put("capLearningRate", BenchModel.CAP_LEARNING_RATE);
    c.put("batchSize", settings.batchSize());
    c.put("steps", steps);
    c.put("epochs", steps == 0 ? 0 : BenchSettings.EPOCHS);
    c.put("timedEpochs", BenchSettings.TIMED_EPOCHS);
    return c;
  }

  /** @param attackSeconds least seconds of whole passes per attack (0: one pass) */
  private Map<String, Object> attackConfig(Path data, Path torchscript, List<BenchAttack> attacks, int attackSeconds) {
    Map<String, Object> c = common(data, torchscript);
    c.put("mode", "attack");
    c.put("attackBatch", settings.attackBatch());
    c.put("attackSeconds", attackSeconds);
    c.put("attacks", attacks.stream().map(BenchAttack::referenceArguments).toList());
    return c;
  }

  private static List<Boolean> successes(JsonNode array) {
    List<Boolean> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asBoolean()));
    return out;
  }
}
