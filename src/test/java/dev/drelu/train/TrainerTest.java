package dev.drelu.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import dev.drelu.data.ImageDataset;
import dev.drelu.nn.ActivationKind;
import dev.drelu.nn.Classifier;
import dev.drelu.nn.Placement;
import dev.drelu.testing.ToyData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
  private static final ImageDataset TRAIN = ToyData.halves(256, 1);
  private static final ImageDataset VAL = ToyData.halves(64, 2);

  private static TrainingParams params(int epochs) {
    return new TrainingParams(epochs, 32, 1e-2, 0.0, 0.5, 5, 10, TrainingParams.Monitor.TOTAL, 0, 7);
  }

  private static List<float[]> weights(Classifier c) {
    List<float[]> out = new ArrayList<>();
    c.parameters().forEach(p -> out.add(p.getArray().toFloatArray()));
    return out;
  }

  @Test
  void learnsTheToyTask(@TempDir Path dir) throws Exception {
    try (Classifier model = Classifier.create(ToyData.cnn(ActivationKind.DRELU, Placement.HEAD), ToyData.SHAPE, 3, Device.cpu())) {
      TrainingOutcome out = new Trainer(params(5), Objective.NATURAL).train(model, TRAIN, VAL, dir, TrainingListener.NONE);
      assertEquals(5, out.history().size());
      assertTrue(out.best().validationAccuracy() > 0.9, "validation accuracy " + out.best().validationAccuracy());
    }
  }

  @Test
  void aResumedRunEndsWithTheSameWeightsAsAnUninterruptedOne(@TempDir Path dir) throws Exception {
    List<float[]> straight;
    try (Classifier model = Classifier.create(ToyData.dense(ActivationKind.DRELU, 2.0), ToyData.SHAPE, 3, Device.cpu())) {
      new Trainer(params(4), Objective.NATURAL).train(model, TRAIN, VAL, dir.resolve("a"), TrainingListener.NONE);
      straight = weights(model);
    }
    List<float[]> resumed;
    try (Classifier first = Classifier.create(ToyData.dense(ActivationKind.DRELU, 2.0), ToyData.SHAPE, 3, Device.cpu())) {
      // "killed" after two epochs: only the checkpoint folder survives
      new Trainer(params(2), Objective.NATURAL).train(first, TRAIN, VAL, dir.resolve("b"), TrainingListener.NONE);
    }
    try (Classifier second = Classifier.create(ToyData.dense(ActivationKind.DRELU, 2.0), ToyData.SHAPE, 99, Device.cpu())) {
      int[] resumedAt = {-1};
      TrainingOutcome out = new Trainer(params(4), Objective.NATURAL).train(second, TRAIN, VAL, dir.resolve("b"),
          new TrainingListener() {
            @Override
            public void onResume(int completed) {
              resumedAt[0] = completed;
            }
          });
      assertEquals(2, resumedAt[0]);
      assertEquals(2, out.resumedFrom());
      assertEquals(4, out.history().size());
      resumed = weights(second);
    }
    for (int i = 0; i < straight.size(); i++) {
      assertArrayEquals(straight.get(i), resumed.get(i), 1e-6f, "parameter " + i);
    }
  }

  @Test
  void eachEpochTrainsOnAFreshMixAtTheRealRatioAndLogsIt(@TempDir Path dir) throws Exception {
    dev.drelu.data.GeneratedMix mix = new dev.drelu.data.GeneratedMix(TRAIN, ToyData.halves(512, 9), 0.3, 5);
    try (Classifier model = Classifier.create(ToyData.dense(ActivationKind.RELU, 2.0), ToyData.SHAPE, 3, Device.cpu())) {
      TrainingOutcome out = new Trainer(params(3), Objective.NATURAL).train(model, TRAIN, mix, VAL, dir, TrainingListener.NONE);
      for (EpochMetrics m : out.history()) {
        assertEquals(Math.round(0.3 * TRAIN.size()) / (double) TRAIN.size(), m.realRatio(), 1e-12);
        assertEquals(m.realRatio(), m.asMap().get("real_ratio"));
      }
    }
    try (Classifier model = Classifier.create(ToyData.dense(ActivationKind.RELU, 2.0), ToyData.SHAPE, 3, Device.cpu())) {
      TrainingOutcome out = new Trainer(params(1), Objective.NATURAL).train(model, TRAIN, VAL, dir.resolve("plain"), TrainingListener.NONE);
      assertTrue(Double.isNaN(out.history().get(0).realRatio()));
      assertTrue(!out.history().get(0).asMap().containsKey("real_ratio"));
    }
  }

  @Test
  void thePenaltyPullsTheCapsDown(@TempDir Path dir) throws Exception {
    TrainingParams p = new TrainingParams(3, 32, 1e-3, 1.0, 0.5, 5, 10, TrainingParams.Monitor.CE, 0.05, 7);
    try (Classifier model = Classifier.create(ToyData.dense(ActivationKind.DRELU, 2.0), ToyData.SHAPE, 3, Device.cpu())) {
      TrainingOutcome out = new Trainer(p, Objective.NATURAL).train(model, TRAIN, VAL, dir, TrainingListener.NONE);
      assertTrue(out.history().get(2).capMean() < 1.8, "mean cap " + out.history().get(2).capMean());
      assertTrue(out.history().get(2).penalty() > 0);
    }
  }

  @Test
  void aNanLossStopsTrainingWithAClearError(@TempDir Path dir) throws Exception {
    Objective poisoned = (model, x, y, seed) -> {
      Objective.Result r = Objective.NATURAL.loss(model, x, y, seed);
      NDArray nan = r.loss().mul(Float.NaN);
      return new Objective.Result(nan, r.cleanLogits());
    };
    try (Classifier model = Classifier.create(ToyData.dense(ActivationKind.RELU, 2.0), ToyData.SHAPE, 3, Device.cpu())) {
      TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
          () -> new Trainer(params(2), poisoned).train(model, TRAIN, VAL, dir, TrainingListener.NONE));
      assertTrue(e.getMessage().contains("NaN") && e.getMessage().contains("epoch 1"), e.getMessage());
    }
  }

  @Test
  void aLossThatExplodesButStaysFiniteStopsTrainingSayingWhatToLower(@TempDir Path dir) throws Exception {
    // Adam at 1e6 moves every weight by about 1e6 a step: the logits and the loss reach 1e10 and
    // beyond without becoming infinite, and the model ends at chance
    TrainingParams wild = new TrainingParams(3, 32, 1e6, 0.0, 0.5, 5, 10, TrainingParams.Monitor.TOTAL, 0, 7);
    try (Classifier model = Classifier.create(ToyData.dense(ActivationKind.RELU, 2.0), ToyData.SHAPE, 3, Device.cpu())) {
      TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
          () -> new Trainer(wild, Objective.NATURAL).train(model, TRAIN, VAL, dir, TrainingListener.NONE));
      assertTrue(e.getMessage().startsWith("training diverged") && e.getMessage().contains("epoch 1")
          && e.getMessage().contains("lower learning-rate (now 1000000.0)"), e.getMessage());
    }
  }

  @Test
  void aSaneRunStaysFarBelowTheExplosionLimit(@TempDir Path dir) throws Exception {
    try (Classifier model = Classifier.create(ToyData.dense(ActivationKind.RELU, 2.0), ToyData.SHAPE, 3, Device.cpu())) {
      TrainingOutcome out = new Trainer(params(3), Objective.NATURAL).train(model, TRAIN, VAL, dir, TrainingListener.NONE);
      for (EpochMetrics m : out.history()) {
        assertTrue(m.trainCrossEntropy() < Trainer.EXPLOSION_FACTOR * Math.log(2) / 10, "epoch " + m.epoch());
      }
    }
  }

  @Test
  void earlyStoppingFiresAndKeepsTheBestEpoch(@TempDir Path dir) throws Exception {
    // patience 1: the first epoch that does not improve validation loss ends training
    TrainingParams p = new TrainingParams(200, 32, 5e-2, 0.0, 0.5, 1, 1, TrainingParams.Monitor.TOTAL, 0, 7);
    try (Classifier model = Classifier.create(ToyData.dense(ActivationKind.RELU, 2.0), ToyData.SHAPE, 3, Device.cpu())) {
      TrainingOutcome out = new Trainer(p, Objective.NATURAL).train(model, TRAIN, VAL, dir, TrainingListener.NONE);
      assertTrue(out.stoppedEarly());
      assertTrue(out.history().size() < 200);
      double bestLoss = out.history().stream().mapToDouble(EpochMetrics::validationLoss).min().orElseThrow();
      assertEquals(bestLoss, out.best().validationLoss(), 1e-12);
      assertEquals(out.bestEpoch() + 1, out.history().size());
    }
  }
}
