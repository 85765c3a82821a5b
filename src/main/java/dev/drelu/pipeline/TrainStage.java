package dev.drelu.pipeline;

import ai.djl.Device;
import dev.drelu.core.FileTrees;
import dev.drelu.core.Progress;
import dev.drelu.data.GeneratedMix;
import dev.drelu.data.ImageDataset;
import dev.drelu.nn.ActivationKind;
import dev.drelu.nn.Classifier;
import dev.drelu.nn.Devices;
import dev.drelu.nn.InputShape;
import dev.drelu.nn.ModelSpec;
import dev.drelu.nn.TorchScriptClassifier;
import dev.drelu.nn.TorchScriptFile;
import dev.drelu.store.ArtifactRef;
import dev.drelu.stats.CsvWriter;
import dev.drelu.store.Json;
import dev.drelu.tracking.MetricPoint;
import dev.drelu.train.EpochMetrics;
import dev.drelu.train.ModelCard;
import dev.drelu.train.Objective;
import dev.drelu.train.Trainer;
import dev.drelu.train.TrainingListener;
import dev.drelu.train.TrainingOutcome;
import dev.drelu.train.TrainingParams;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Trains one model with one seed. Checkpoints live in the store's work folder for this key,
 * so running the same pipeline again after a kill resumes the interrupted training.
 *
 * <p>An external model is imported instead: its TorchScript file is checked against the dataset
 * and copied into the artifact under its content key, with a card and no training history, so
 * the stages after this one read it from the store like any trained model.
 */
public final class TrainStage {
  static final String PARAMS = "model.params";
  static final String CARD = "model.json";
  static final String HISTORY = "history.csv";
  /** An imported external model's TorchScript file. */
  static final String TORCHSCRIPT = "model.pt";

  private final DatasetCache datasets = new DatasetCache();

  /** @return the trained (or imported) model artifact */
  public ArtifactRef run(Tasks.Train task, StageRunner runner) throws Exception {
    if (task.entry().isExternal()) {
      return runner.execute(task, (dir, runId) -> importExternal(task, runner, dir, runId));
    }
    Path work = runner.store().workDir(Stage.TRAIN.key(), task.key());
    ArtifactRef ref = runner.execute(task, (dir, runId) -> {
      // inside the work, so under the task's lock: never under another run still training into it
      if (runner.context().cache().policy(Stage.TRAIN) == StagePolicy.FORCE) {
        FileTrees.deleteTree(work); // a forced run starts from scratch, not from an old checkpoint
      }
      return train(task, runner, work, dir, runId);
    });
    FileTrees.deleteTree(work); // the model is committed; its checkpoints are no longer needed
    return ref;
  }

  private Map<String, String> train(Tasks.Train task, StageRunner runner, Path work, Path dir, String runId)
      throws IOException {
    dev.drelu.store.Artifact data = runner.store().open(Stage.PREPARE.key(), task.datasetKey());
    ImageDataset train = datasets.read(data.file(PrepareStage.TRAIN));
    ImageDataset validation = datasets.read(data.file(PrepareStage.VALIDATION));
    GeneratedMix mix = null;
    if (data.has(PrepareStage.GENERATED)) {
      double ratio = Double.parseDouble(data.manifest().summary().get("real_ratio"));
      mix = new GeneratedMix(train, datasets.read(data.file(PrepareStage.GENERATED)), ratio, task.seed());
    }
    InputShape shape = new InputShape(train.channels(), train.height(), train.width(), train.numClasses());
    TrainingParams params = task.entry().training().withSeed(task.seed());
    if (task.initFromKey() != null) {
      // AT continuing the natural model: its own (short) run of adversarial epochs
      params = params.withMaxEpochs(params.adversarial().epochs());
    }
    Device device = Devices.resolve(runner.context().device());
    String label = "train " + task.label();
    runner.tracker().setTags(runId, departures(task.entry().model(), params));
    try (Classifier model = Classifier.create(task.entry().model(), shape, task.seed(), device)) {
      if (task.initFromKey() != null) {
        model.loadParameters(runner.store().open(Stage.TRAIN.key(), task.initFromKey()).file(PARAMS));
      }
      Progress progress = Progress.start(label, "epoch", params.maxEpochs());
      TrainingListener listener = new TrainingListener() {
        @Override
        public void onEpoch(EpochMetrics m) {
          List<MetricPoint> points = new ArrayList<>();
          m.asMap().forEach((k, v) -> points.add(MetricPoint.of(k, v, m.epoch())));
          runner.tracker().logMetrics(runId, points);
          progress.update(m.epoch(), String.format("val_acc %.4f  val_loss %.4f%s", m.validationAccuracy(),
              m.validationLoss(), Double.isNaN(m.capMean()) ? "" : String.format("  cap_mean %.3f", m.capMean())));
        }

        private Progress batches;

        @Override
        public void onBatch(int epoch, int batch, int total) {
          // an epoch of adversarial training on a full dataset can take many minutes on a CPU
          if (batch == 1) {
            batches = Progress.start(label + " epoch " + epoch, "batch", total, java.time.Duration.ofSeconds(60));
          } else if (batch < total) {
            batches.update(batch, "");
          }
        }

        @Override
        public void onResume(int completed) {
          Progress.say(label, "resuming after epoch " + completed + " from " + work);
        }
      };
      TrainingOutcome outcome;
      try {
        outcome = new Trainer(params, Objective.of(params)).train(model, train, mix, validation, work, listener);
      } catch (dev.drelu.train.TrainingDivergedException e) {
        // name the model: a pipeline trains many, and this one's table row would mean nothing
        throw new dev.drelu.train.TrainingDivergedException(task.label() + ": " + e.getMessage());
      }
      model.save(dir.resolve(PARAMS));
      ModelCard card = new ModelCard(ModelCard.FORMAT_VERSION, task.entry().name(), task.entry().model(), shape,
          params, outcome.bestEpoch(), outcome.history().size(), outcome.stoppedEarly(),
          outcome.best().validationAccuracy(), model.capSummary(), device.toString());
      Json.CANONICAL.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(CARD).toFile(), card);
      Files.writeString(dir.resolve(HISTORY), historyCsv(outcome.history()), StandardCharsets.UTF_8);
      Map<String, String> summary = new TreeMap<>();
      summary.put("best_val_accuracy", Double.toString(outcome.best().validationAccuracy()));
      summary.put("best_val_loss", Double.toString(outcome.best().validationLoss()));
      summary.put("best_epoch", Integer.toString(outcome.bestEpoch()));
      summary.put("epochs", Integer.toString(outcome.history().size()));
      summary.put("resumed_from_epoch", Integer.toString(outcome.resumedFrom()));
      if (card.caps().count() > 0) {
        summary.put("cap_mean", Double.toString(card.caps().mean()));
        summary.put("cap_min", Double.toString(card.caps().min()));
        summary.put("cap_max", Double.toString(card.caps().max()));
      }
      summary.put("device", device.toString());
      return summary;
    }
  }

  /**
   * Checks the external model on the dataset's input shape, then copies it into the artifact. The
   * copy must still be the content the spec hashed: the key names that content, not the path.
   */
  private Map<String, String> importExternal(Tasks.Train task, StageRunner runner, Path dir, String runId)
      throws IOException {
    TorchScriptFile file = task.entry().torchscript();
    Path source = Path.of(file.path());
    InputShape shape = inputShape(runner, task.datasetKey());
    Device device = Devices.resolve(runner.context().device());
    runner.tracker().setTags(runId, Map.of("drelu.torchscript_source", source.toString()));
    long parameters;
    try (Classifier model = TorchScriptClassifier.load(source, shape, device)) {
      parameters = model.storedParameterCount();
    }
    Path copy = dir.resolve(TORCHSCRIPT);
    Files.copy(source, copy);
    String sha256 = Classifier.checkpointSha256(copy);
    if (!sha256.equals(file.sha256())) {
      throw new IOException(source + " changed since the spec was loaded (sha256 " + sha256 + ", expected "
          + file.sha256() + "); load the spec again");
    }
    ModelCard card = ModelCard.external(task.entry().name(), file, shape, device.toString());
    Json.CANONICAL.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(CARD).toFile(), card);
    Progress.say("train " + task.label(), "imported " + source + " (TorchScript, evaluated as given)");
    Map<String, String> summary = new TreeMap<>();
    summary.put("torchscript_sha256", sha256);
    summary.put("parameters", Long.toString(parameters));
    summary.put("device", device.toString());
    return summary;
  }

  /** @return the prepared dataset's image shape and classes: an import needs no images */
  private static InputShape inputShape(StageRunner runner, String datasetKey) throws IOException {
    return PrepareStage.inputShape(runner.store().open(Stage.PREPARE.key(), datasetKey).manifest().summary());
  }

  /** @return tags naming every setting that departs from the paper, so no run hides one */
  static Map<String, String> departures(ModelSpec model, TrainingParams p) {
    List<String> d = new ArrayList<>();
    if (model.activation() == ActivationKind.DRELU && model.capInit() != ModelSpec.PAPER_CAP_INIT) {
      d.add("cap-init " + model.capInit() + " (paper: 100)");
    }
    if (p.capLearningRate() > 0) {
      d.add("cap-learning-rate " + p.capLearningRate() + " (paper: the weights' rate)");
    }
    if (p.monitor() == TrainingParams.Monitor.CE) {
      d.add("monitor ce (paper: total loss)");
    }
    return d.isEmpty() ? Map.of() : Map.of("drelu.departures_from_paper", String.join("; ", d));
  }

  /** @return one line per epoch, the columns those of the first epoch (later gaps print NaN) */
  static String historyCsv(List<EpochMetrics> history) {
    List<String> columns = new ArrayList<>(history.get(0).asMap().keySet());
    List<String> header = new ArrayList<>(List.of("epoch"));
    header.addAll(columns);
    List<List<String>> rows = new ArrayList<>();
    for (EpochMetrics m : history) {
      Map<String, Double> values = m.asMap();
      List<String> row = new ArrayList<>(List.of(Integer.toString(m.epoch())));
      columns.forEach(c -> row.add(Double.toString(values.getOrDefault(c, Double.NaN))));
      rows.add(row);
    }
    return CsvWriter.write(header, rows);
  }
}
