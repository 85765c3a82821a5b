package dev.drelu.bench;

import static dev.drelu.nn.Scalars.scalar;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.drelu.attack.AttackOutcome;
import dev.drelu.attack.RobustEvaluator;
import dev.drelu.data.ImageDataset;
import dev.drelu.nn.Autograd;
import dev.drelu.nn.Batches;
import dev.drelu.nn.Classifier;
import dev.drelu.nn.Losses;
import dev.drelu.train.EpochMetrics;
import dev.drelu.train.Objective;
import dev.drelu.train.Trainer;
import dev.drelu.train.TrainingListener;
import dev.drelu.train.TrainingParams;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** drelu's side: its Trainer and its attacks, in this JVM, as the pipeline runs them. */
public final class DreluSide {
  static final double LEARNING_RATE = 1e-3;

  private DreluSide() {}

  /**
   * The training loss on the first batch, without dropout and before any step: mean
   * cross-entropy + lambda * sum of squared caps. The reference side computes the same number
   * from the same weights; equal numbers mean both sides run the same network and loss.
   */
  static double initialLoss(Classifier model, ImageDataset data, int batchSize) {
    int n = Math.min(batchSize, data.size());
    int[] rows = Batches.allRows(data.size());
    try (NDManager batch = model.manager().newSubManager(); Autograd off = Autograd.off()) {
      NDArray x = Batches.images(batch, data, rows, 0, n);
      NDArray y = Batches.labels(batch, data, rows, 0, n);
      NDArray ce = Losses.crossEntropy(model.forward(x, false), y).mean();
      return ce.add(model.capPenalty(batch).mul(scalar(ce, BenchModel.LAMBDA))).getFloat();
    }
  }

  /**
   * Trains {@code model} in place with drelu's Trainer (Adam, the D-ReLU penalty, a validation
   * pass and a checkpoint after each epoch) for {@link BenchSettings#EPOCHS} epochs.
   *
   * @param channelsLast the training layout ({@link TrainingParams#channelsLast}; a dense network ignores it)
   * @return steps per second over the last {@link BenchSettings#TIMED_EPOCHS} epochs, validation passes
   *     included, as the reference times its own
   */
  static double trainingStepsPerSecond(Classifier model, ImageDataset data, int steps, int batchSize,
      boolean channelsLast, Path work) throws IOException {
    TrainingParams p = new TrainingParams(BenchSettings.EPOCHS, batchSize, LEARNING_RATE, BenchModel.LAMBDA, 0.5,
        1000, 1000, TrainingParams.Monitor.TOTAL, BenchModel.CAP_LEARNING_RATE, 1).withChannelsLast(channelsLast);
    ImageDataset validation = data.first(batchSize);
    List<Double> seconds = new ArrayList<>();
    new Trainer(p, Objective.NATURAL).train(model, data, validation, work, new TrainingListener() {
      @Override
      public void onEpoch(EpochMetrics m) {
        seconds.add(m.seconds());
      }
    });
    double timed = seconds.subList(seconds.size() - BenchSettings.TIMED_EPOCHS, seconds.size()).stream()
        .mapToDouble(Double::doubleValue).sum();
    return steps * BenchSettings.TIMED_EPOCHS / timed;
  }

  /** @return the attack's outcome on {@code data}, in batches of {@code batch}, clean pass included */
  static AttackOutcome attack(Classifier model, ImageDataset data, BenchAttack attack, int batch) {
    return RobustEvaluator.run(model, data, attack.dreluParams(), batch, n -> { });
  }

  /**
   * @param clean the model's clean pass on {@code data} at this batch size, made once for all its
   *     attacks as the attack stage makes it (torchattacks has none to make)
   * @return the attack's outcome on {@code data}, in batches of {@code batch}
   */
  static AttackOutcome attack(Classifier model, ImageDataset data, BenchAttack attack, int batch,
      RobustEvaluator.CleanPass clean) {
    return RobustEvaluator.run(model, model, data, attack.dreluParams(), batch, clean, n -> { });
  }

  /**
   * Times the attack over whole passes of {@code data} until {@code minSeconds} of attacking have
   * passed (at least one pass), as the reference times its own.
   *
   * @return attacked images per second over all the passes
   */
  static double imagesPerSecond(Classifier model, ImageDataset data, BenchAttack attack, int batch,
      RobustEvaluator.CleanPass clean, double minSeconds) {
    double images = 0;
    double seconds = 0;
    do {
      AttackOutcome o = attack(model, data, attack, batch, clean);
      images += o.size();
      seconds += o.seconds();
    } while (seconds < minSeconds);
    return images / seconds;
  }

  /** @return the same images labelled with the model's own predictions (every image is attacked in full) */
  public static ImageDataset relabelled(Classifier model, ImageDataset data) {
    int[] predictions = RobustEvaluator.cleanPass(model, data, 500).prediction();
    return new ImageDataset(data.pixels(), predictions, data.indices(), data.channels(), data.height(),
        data.width(), data.numClasses());
  }

  /** @return per example: the attack changed the prediction */
  static List<Boolean> success(AttackOutcome o) {
    List<Boolean> out = new ArrayList<>();
    for (int i = 0; i < o.size(); i++) {
      out.add(o.adversarialPrediction()[i] != o.label()[i]);
    }
    return out;
  }
}
