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
import dev.drelu.store.ArtifactStore;
import dev.drelu.tracking.MetricPoint;
import dev.drelu.train.EpochMetrics;
import dev.drelu.train.ModelCard;
import dev.drelu.train.Objective;
import dev.drelu.train.Trainer;
import dev.drelu.train.TrainingListener;
import dev.drelu.train.TrainingOutcome;
import dev.drelu.train.TrainingParams;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Trains one model with one seed. Checkpoints live in the store's work folder for this key,
 * so running the same pipeline again after a kill resumes the interrupted training.
 *
 * <p>An external model is imported instead: its TorchScript file is checked against the dataset
 * and copied into the artifact under its content key, with a card and no training history, so
 * the stages after this one read it from the store like any trained model.
 */
public final class TrainStage {
  private final DatasetCache datasets = new DatasetCache();

  /** @return the trained (or imported) model artifact */
  public ArtifactRef run(Tasks.Train task, StageRunner runner) throws Exception {
    if (task.entry().isExternal()) {
      return runner.execute(task, TrainedModel::read, (staging, runId) -> importExternal(task, runner, staging, runId));
    }
    Path work = runner.store().workDir(Stage.TRAIN.key(), task.key());
    ArtifactRef ref = runner.execute(task, TrainedModel::read, (staging, runId) -> {
      // inside the work, so under the task's lock: never under another run still training into it
      if (runner.context().cache().policy(Stage.TRAIN) == StagePolicy.FORCE) {
        FileTrees.deleteTree(work); // a forced run starts from scratch, not from an old checkpoint
        runner.store().checkpointMirror(Stage.TRAIN.key(), task.key()).clear();
      }
      return train(task, runner, work, staging, runId);
    });
    FileTrees.deleteTree(work); // the model is committed; its checkpoints are no longer needed
    return ref;
  }

  private TrainedModel train(Tasks.Train task, StageRunner runner, Path work, ArtifactStore.Staging staging,
      String runId) throws IOException {
    PreparedData data = PreparedData.read(runner.store(), task.datasetKey());
    ImageDataset train = data.train(datasets);
    ImageDataset validation = data.validation(datasets);
    GeneratedMix mix = data.mix(train, datasets, task.seed());
    InputShape shape = data.shape();
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
        model.loadParameters(TrainedModel.read(runner.store(), task.initFromKey()).parameters());
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
        outcome = new Trainer(params, Objective.of(params))
            .mirroredTo(runner.store().checkpointMirror(Stage.TRAIN.key(), task.key()))
            .train(model, train, mix, validation, work, listener);
      } catch (dev.drelu.train.TrainingDivergedException e) {
        // name the model: a pipeline trains many, and this one's table row would mean nothing
        throw new dev.drelu.train.TrainingDivergedException(task.label() + ": " + e.getMessage());
      }
      ModelCard card = new ModelCard(ModelCard.FORMAT_VERSION, task.entry().name(), task.entry().model(), shape,
          params, outcome.bestEpoch(), outcome.history().size(), outcome.stoppedEarly(),
          outcome.best().validationAccuracy(), model.capSummary(), device.toString());
      return TrainedModel.writeTrained(model, card, outcome, staging);
    }
  }

  /** Checks the external model on the dataset's input shape, then copies it into the artifact. */
  private TrainedModel importExternal(Tasks.Train task, StageRunner runner, ArtifactStore.Staging staging,
      String runId) throws IOException {
    TorchScriptFile file = task.entry().torchscript();
    Path source = Path.of(file.path());
    // the prepared data's summary: an import needs no images
    InputShape shape = PreparedData.read(runner.store(), task.datasetKey()).shape();
    Device device = Devices.resolve(runner.context().device());
    runner.tracker().setTags(runId, Map.of("drelu.torchscript_source", source.toString()));
    long parameters;
    try (Classifier model = TorchScriptClassifier.load(source, shape, device)) {
      parameters = model.storedParameterCount();
    }
    ModelCard card = ModelCard.external(task.entry().name(), file, shape, device.toString());
    TrainedModel imported = TrainedModel.writeImported(source, card, parameters, staging);
    Progress.say("train " + task.label(), "imported " + source + " (TorchScript, evaluated as given)");
    return imported;
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
}
