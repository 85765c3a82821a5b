package dev.drelu.train;

import dev.drelu.core.Shuffle;
import static dev.drelu.nn.Scalars.scalar;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.drelu.data.GeneratedMix;
import dev.drelu.data.ImageDataset;
import dev.drelu.nn.Autograd;
import dev.drelu.nn.Batches;
import dev.drelu.nn.CapSummary;
import dev.drelu.nn.Classifier;
import dev.drelu.nn.Losses;
import java.io.IOException;
import dev.drelu.store.CheckpointMirror;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;

/**
 * Trains a classifier with the paper's schedule: Adam, loss = objective + lambda * sum(m^2),
 * ReduceLROnPlateau and EarlyStopping on the validation loss, best weights kept. Checkpoints
 * every epoch into a work folder and resumes from it.
 */
public final class Trainer {
  private final TrainingParams params;
  private final Objective objective;
  private final CheckpointMirror mirror;

  /**
   * @param params schedule and seed
   * @param objective the data term (natural, adversarial, TRADES)
   */
  public Trainer(TrainingParams params, Objective objective) {
    this(params, objective, CheckpointMirror.NONE);
  }

  private Trainer(TrainingParams params, Objective objective, CheckpointMirror mirror) {
    this.params = params;
    this.objective = objective;
    this.mirror = mirror;
  }

  /** @return the same trainer, its checkpoints also copied by {@code mirror} (a remote store's) */
  public Trainer mirroredTo(CheckpointMirror mirror) {
    return new Trainer(params, objective, mirror);
  }

  /**
   * Trains {@code model} in place; on return it holds the best weights.
   *
   * @param workDir checkpoint folder; if it holds a checkpoint, training continues from it
   * @throws TrainingDivergedException if the loss becomes NaN or infinite
   * @throws IOException if checkpoints cannot be written or read
   */
  public TrainingOutcome train(
      Classifier model, ImageDataset train, ImageDataset validation, Path workDir, TrainingListener listener)
      throws IOException {
    return train(model, train, null, validation, workDir, listener);
  }

  /**
   * Same, drawing each epoch's training set from a mix of real and generated images.
   *
   * @param mix the mix (its epochs depend only on its seed and the epoch, so a resumed run draws
   *     the same), or null to train on {@code train} alone
   */
  public TrainingOutcome train(Classifier model, ImageDataset train, GeneratedMix mix, ImageDataset validation,
      Path workDir, TrainingListener listener) throws IOException {
    Checkpoints checkpoints = new Checkpoints(workDir, Checkpoints.WARN, mirror);
    model.setChannelsLast(params.channelsLast()); // a no-op but for a convolutional network on CPU
    try (Adam adam = new Adam(model.parameters(), model::isCap, model.manager())) {
      Optional<TrainingState> restored = checkpoints.restore(model, adam);
      adam.trackGradients();
      TrainingState state = restored.orElseGet(() -> TrainingState.start(params));
      int resumedFrom = state.completedEpochs();
      if (resumedFrom > 0) {
        listener.onResume(resumedFrom);
      }
      while (!state.schedule().stopped() && state.completedEpochs() < params.maxEpochs()) {
        int epoch = state.completedEpochs() + 1;
        long started = System.nanoTime();
        ImageDataset epochData = train;
        double realRatio = Double.NaN;
        if (mix != null) {
          GeneratedMix.Epoch drawn = mix.epoch(epoch);
          epochData = drawn.data();
          realRatio = drawn.drawnRatio();
        }
        double[] trainSums = runEpoch(model, adam, epochData, epoch, state.schedule(), listener);
        double[] val = evaluate(model, validation);
        CapSummary caps = model.capSummary();
        double penalty = params.lambda() * penaltyValue(model);
        double valLoss = val[0] + penalty;
        EpochMetrics metrics = new EpochMetrics(epoch, trainSums[0], trainSums[1], trainSums[2],
            valLoss, val[0], val[1], penalty, state.schedule().learningRate(),
            caps.mean(), caps.min(), caps.max(), realRatio, (System.nanoTime() - started) / 1e9);
        double monitored = params.monitor() == TrainingParams.Monitor.CE ? val[0] : valLoss;
        if (!Double.isFinite(monitored) || exploded(val[0], model)) {
          throw new TrainingDivergedException("training diverged: validation cross-entropy is " + val[0]
              + " after epoch " + epoch + "; " + explosionHint(model, state.schedule().learningRate())
              + " (the last good checkpoint is kept in " + workDir + ")");
        }
        boolean newBest = state.schedule().isNewBest(monitored);
        state = state.next(metrics, state.schedule().after(epoch, monitored, params));
        checkpoints.save(state, model, adam, newBest);
        listener.onEpoch(metrics);
      }
      checkpoints.loadBest(model);
      return new TrainingOutcome(state.history(), state.schedule().bestEpoch(),
          state.schedule().stopped(), resumedFrom);
    } finally {
      model.setChannelsLast(false); // whoever uses the trained model next chooses its layout
    }
  }

  /** @return mean total loss, mean cross-entropy, accuracy over the epoch */
  private double[] runEpoch(
      Classifier model, Adam adam, ImageDataset data, int epoch, Schedule schedule, TrainingListener listener) {
    // Shuffling and dropout depend on (seed, epoch) only, so a resumed epoch replays exactly.
    long epochSeed = params.seed() * 1_000_003L + epoch;
    model.reseedDropout(epochSeed);
    int[] order = shuffled(data.size(), new Random(epochSeed));
    int batches = (data.size() + params.batchSize() - 1) / params.batchSize();
    double lossSum = 0;
    double ceSum = 0;
    long correct = 0;
    for (int b = 0; b < batches; b++) {
      int from = b * params.batchSize();
      int to = Math.min(data.size(), from + params.batchSize());
      try (NDManager batch = model.manager().newSubManager()) {
        NDArray x = Batches.images(batch, data, order, from, to);
        NDArray y = Batches.labels(batch, data, order, from, to);
        float loss;
        float ce;
        try (Autograd autograd = Autograd.record()) {
          Objective.Result r = objective.loss(model, x, y, epochSeed * 31 + b);
          NDArray total = r.loss().add(model.capPenalty(batch).mul(scalar(x, params.lambda())));
          loss = total.getFloat();
          ce = r.loss().getFloat();
          if (!Float.isFinite(loss) || exploded(ce, model)) {
            throw new TrainingDivergedException("training diverged: the loss is " + loss + " (data term " + ce
                + ") at epoch " + epoch + ", batch " + (b + 1) + "; " + explosionHint(model, schedule.learningRate()));
          }
          correct += Losses.correct(r.cleanLogits(), y).sum().getLong();
          autograd.backward(total);
        }
        adam.step(schedule.learningRate(), schedule.capLearningRate());
        lossSum += (double) loss * (to - from);
        ceSum += (double) ce * (to - from);
      }
      listener.onBatch(epoch, b + 1, batches);
    }
    return new double[] {lossSum / data.size(), ceSum / data.size(), (double) correct / data.size()};
  }

  /**
   * The data loss of a model that has stopped learning and started exploding: far above what
   * even a confidently wrong classifier reaches. Guessing costs ln(classes) (2.3 for 10), so 100
   * times that is never the loss of a sane run, while a learning rate of 1e6 sends it to 1e30
   * without ever making it infinite. The D-ReLU penalty is left out: lambda 100 with caps at
   * 100 legitimately weighs 1e8 at the start.
   */
  static boolean exploded(double dataLoss, Classifier model) {
    return !Double.isFinite(dataLoss) || dataLoss > EXPLOSION_FACTOR * chanceLoss(model);
  }

  static final double EXPLOSION_FACTOR = 100;

  private static double chanceLoss(Classifier model) {
    return Math.log(model.input().numClasses());
  }

  private static String explosionHint(Classifier model, double learningRate) {
    return String.format(java.util.Locale.ROOT, "guessing would cost %.2f and the limit is %.0f; lower"
        + " learning-rate (now %s) or lambda", chanceLoss(model), EXPLOSION_FACTOR * chanceLoss(model), learningRate);
  }

  /** @return mean cross-entropy and accuracy in evaluation mode */
  static double[] evaluate(Classifier model, ImageDataset data) {
    int[] rows = Batches.allRows(data.size());
    double ceSum = 0;
    long correct = 0;
    int step = 512;
    for (int from = 0; from < data.size(); from += step) {
      int to = Math.min(data.size(), from + step);
      try (NDManager batch = model.manager().newSubManager(); Autograd off = Autograd.off()) {
        NDArray x = Batches.images(batch, data, rows, from, to);
        NDArray y = Batches.labels(batch, data, rows, from, to);
        NDArray logits = model.forward(x, false);
        ceSum += Losses.crossEntropy(logits, y).sum().getFloat();
        correct += Losses.correct(logits, y).sum().getLong();
      }
    }
    return new double[] {ceSum / data.size(), (double) correct / data.size()};
  }

  private static double penaltyValue(Classifier model) {
    try (NDManager tmp = model.manager().newSubManager()) {
      return model.capPenalty(tmp).getFloat();
    }
  }

  private static int[] shuffled(int n, Random random) {
    int[] order = Batches.allRows(n);
    Shuffle.inPlace(order, random);
    return order;
  }
}
