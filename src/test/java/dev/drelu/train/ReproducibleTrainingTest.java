package dev.drelu.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.Device;
import dev.drelu.data.ImageDataset;
import dev.drelu.nn.ActivationKind;
import dev.drelu.nn.Classifier;
import dev.drelu.testing.GarbageChurn;
import dev.drelu.testing.Slow;
import dev.drelu.testing.ToyData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training is a function of (spec, seed, data): a D-ReLU model trained alone on an idle JVM and
 * the same model trained beside another training while the garbage collector runs all the time
 * end with the same bits. Before drelu owned its constant operands (Scalars), the second run
 * read its cap penalty's lambda and its maximum(0) masks out of freed memory and came out
 * different.
 */
@Slow
class ReproducibleTrainingTest {
  private static final ImageDataset TRAIN = ToyData.halves(512, 1);
  private static final ImageDataset VAL = ToyData.halves(64, 2);
  // caps that bind within the run, as in the quickstart: lambda and the cap rate act every step
  private static final TrainingParams PARAMS =
      new TrainingParams(3, 32, 1e-2, 0.01, 0.5, 5, 10, TrainingParams.Monitor.TOTAL, 0.01, 7, null);

  @Test
  void aDReluModelTrainedBesideOtherWorkUnderGarbageCollectionHasTheSameWeightsAsAlone(@TempDir Path dir)
      throws Exception {
    List<float[]> alone = train(dir.resolve("alone"));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (GarbageChurn churn = GarbageChurn.start()) {
      Future<List<float[]>> first = pool.submit(() -> train(dir.resolve("busy-1")));
      Future<List<float[]>> second = pool.submit(() -> train(dir.resolve("busy-2")));
      assertSameWeights(alone, first.get());
      assertSameWeights(alone, second.get());
    } finally {
      pool.shutdown();
    }
  }

  private static List<float[]> train(Path work) throws Exception {
    try (Classifier model = Classifier.create(ToyData.dense(ActivationKind.DRELU, 2.0), ToyData.SHAPE, 3, Device.cpu())) {
      new Trainer(PARAMS, Objective.NATURAL).train(model, TRAIN, VAL, work, TrainingListener.NONE);
      List<float[]> out = new ArrayList<>();
      model.parameters().forEach(p -> out.add(p.getArray().toFloatArray()));
      return out;
    }
  }

  private static void assertSameWeights(List<float[]> expected, List<float[]> actual) {
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), actual.get(i), "parameter " + i + " (exact, bit for bit)");
    }
  }
}
