package dev.drelu.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.drelu.data.ImageDataset;
import dev.drelu.nn.ActivationKind;
import dev.drelu.nn.Autograd;
import dev.drelu.nn.Batches;
import dev.drelu.nn.Classifier;
import dev.drelu.spec.AttackPreset;
import dev.drelu.testing.Slow;
import dev.drelu.testing.ToyData;
import dev.drelu.train.Objective;
import dev.drelu.train.Trainer;
import dev.drelu.train.TrainingListener;
import dev.drelu.train.TrainingParams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The paper-protocol attack settings do what their labels say, measured on a trained (confident)
 * model: {@code model-output: softmax} leaves every verdict as it was and shrinks the input
 * gradient (the softmax applied twice saturates), and the protocol's CW-L2 (bound 0.25) leaves no
 * example farther than 0.25 from its input, where the same attack unbounded does.
 */
@Slow
class PaperProtocolAttacksTest {
  private static final ImageDataset TEST = ToyData.halves(64, 5);
  private static Classifier trained;

  @BeforeAll
  static void train() throws Exception {
    trained = Classifier.create(ToyData.dense(ActivationKind.RELU, 1.0), ToyData.SHAPE, 3, Device.cpu());
    Path dir = Files.createTempDirectory("protocol-test");
    new Trainer(new TrainingParams(12, 32, 1e-2, 0, 0.5, 5, 20, TrainingParams.Monitor.TOTAL, 0, 7), Objective.NATURAL)
        .train(trained, ToyData.halves(256, 1), ToyData.halves(64, 2), dir, TrainingListener.NONE);
  }

  @AfterAll
  static void close() {
    trained.close();
  }

  @Test
  void softmaxOutputGivesTheSameVerdictOnTheCleanInput() {
    // a zero bound: the "adversarial" input is the clean one, so the verdicts must agree
    AttackOutcome logits = RobustEvaluator.run(trained, TEST, FgsmParams.builder().epsilon(0).build(), 32, n -> { });
    AttackOutcome softmax = RobustEvaluator.run(trained, TEST,
        FgsmParams.builder().epsilon(0).modelOutput(ModelOutput.SOFTMAX).build(), 32, n -> { });
    assertArrayEquals(logits.cleanPrediction(), softmax.cleanPrediction());
    assertArrayEquals(logits.cleanPrediction(), softmax.adversarialPrediction());
    try (NDManager m = trained.manager().newSubManager(); Autograd off = Autograd.off()) {
      NDArray x = Batches.images(m, TEST, Batches.allRows(TEST.size()), 0, TEST.size());
      int[] plain = trained.forward(x, false).argMax(1).toType(ai.djl.ndarray.types.DataType.INT32, false).toIntArray();
      trained.setSoftmaxOutput(true);
      try {
        NDArray p = trained.forward(x, false);
        assertEquals(1.0, p.sum(new int[] {1}).min().getFloat(), 1e-5, "rows of probabilities");
        assertArrayEquals(plain, p.argMax(1).toType(ai.djl.ndarray.types.DataType.INT32, false).toIntArray());
      } finally {
        trained.setSoftmaxOutput(false);
      }
    }
  }

  @Test
  void softmaxOutputSaturatesTheGradientOfAConfidentModel() {
    try (NDManager m = trained.manager().newSubManager()) {
      NDArray x = Batches.images(m, TEST, Batches.allRows(TEST.size()), 0, TEST.size());
      NDArray y = Batches.labels(m, TEST, Batches.allRows(TEST.size()), 0, TEST.size());
      float confidence;
      try (Autograd off = Autograd.off()) {
        confidence = trained.forward(x, false).softmax(1).max(new int[] {1}).mean().getFloat();
      }
      assertTrue(confidence > 0.9f, "the trained model should be confident, mean top probability " + confidence);
      double onLogits = meanNorm(InputGradient.crossEntropy(trained, x, y, false));
      trained.setSoftmaxOutput(true);
      double onSoftmax;
      try {
        onSoftmax = meanNorm(InputGradient.crossEntropy(trained, x, y, false));
      } finally {
        trained.setSoftmaxOutput(false);
      }
      // on a confident example both gradients scale with 1 - p(y); the second softmax multiplies by
      // about 1 - softmax(p)(y), which is (K - 1) / (K - 1 + e) at most (0.27 for these 2 classes)
      assertTrue(onSoftmax < 0.9 * onLogits, "softmax applied twice should shrink the input gradient: "
          + onSoftmax + " vs " + onLogits + " on logits");
    }
  }

  @Test
  void theProtocolsCwLeavesNoExampleBeyondQuarterL2WhereAnUnboundedOneDoes() throws Exception {
    CwL2Params protocol = (CwL2Params) AttackPreset.load(Path.of("params/attacks/paper-protocol")).attack("cw-l2")
        .orElseThrow();
    assertEquals(0.25, protocol.epsilon(), "the protocol replaces successes beyond L2 0.25 by the clean input");
    assertEquals(ModelOutput.SOFTMAX, protocol.modelOutput());
    // the protocol's 10 x 5 steps from c = 1e-3 on probabilities find little; a stronger CW on
    // logits finds successes beyond 0.25, so the replacement has something to remove
    CwL2Params strong = CwL2Params.builder().epsilon(8.0).steps(50).binarySearchSteps(6).learningRate(0.05)
        .initialConst(0.1).build();
    AttackOutcome unbounded = RobustEvaluator.run(trained, TEST, strong, 32, n -> { });
    assertTrue(Arrays.stream(unbounded.l2()).anyMatch(d -> d > protocol.epsilon()),
        "unbounded, some successes lie beyond 0.25 (else the test shows nothing): " + Arrays.toString(unbounded.l2()));
    for (CwL2Params bound : new CwL2Params[] {strong.withEpsilon(protocol.epsilon()), protocol}) {
      AttackOutcome o = RobustEvaluator.run(trained, TEST, bound, 32, n -> { });
      for (int i = 0; i < o.size(); i++) {
        assertTrue(o.l2()[i] <= protocol.epsilon() + 1e-5, "example " + i + " moved " + o.l2()[i]);
        if (o.l2()[i] == 0) {
          assertEquals(o.cleanPrediction()[i], o.adversarialPrediction()[i], "the clean input, as it was");
        }
      }
    }
  }

  private static double meanNorm(NDArray gradient) {
    long n = gradient.getShape().get(0);
    return gradient.reshape(n, -1).square().sum(new int[] {1}).sqrt().mean().getFloat();
  }
}
