package dev.drelu.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.drelu.nn.ActivationKind;
import dev.drelu.nn.ModelSpec;
import dev.drelu.nn.Placement;
import dev.drelu.testing.ToyData;
import org.junit.jupiter.api.Test;

/** A model's method follows from its network and training, and reads as the paper names them. */
class ModelMethodTest {
  private static final TrainingParams NATURAL = TrainingParams.paper();

  private static TrainingParams lambda(double l) {
    TrainingParams p = NATURAL;
    return new TrainingParams(p.maxEpochs(), p.batchSize(), p.learningRate(), l, p.plateauFactor(),
        p.plateauPatience(), p.earlyStoppingPatience(), p.monitor(), p.capLearningRate(), p.seed());
  }

  private static String family(ModelSpec model, TrainingParams training) {
    return ModelMethod.of(model, training).family();
  }

  @Test
  void theActivationNamesANaturallyTrainedModel() {
    assertEquals("relu", family(ToyData.dense(ActivationKind.RELU, 100), NATURAL));
    assertEquals("drelu", family(ToyData.dense(ActivationKind.DRELU, 100), lambda(0.01)));
    assertEquals("srelu-m1", family(ToyData.dense(ActivationKind.SRELU, 100), NATURAL));
    assertEquals("srelu-m0.5", family(new ModelSpec(dev.drelu.nn.Architecture.DENSE, java.util.List.of(16, 16), 8, 0.0,
        ActivationKind.SRELU, Placement.HEAD, 100, 0.5, 4), NATURAL), "S-ReLU's fixed cap is part of what it is");
    assertEquals("drelu@input-conv", family(ToyData.cnn(ActivationKind.DRELU, Placement.INPUT_CONV), lambda(1e-3)));
  }

  @Test
  void adversarialBaselinesAreNamedByTheirObjectiveAndTradesByItsBeta() {
    ModelSpec relu = ToyData.dense(ActivationKind.RELU, 100);
    assertEquals("at", family(relu, NATURAL.withAdversarial(AdversarialTraining.at(0.1))));
    assertEquals("trades-6", family(relu, NATURAL.withAdversarial(AdversarialTraining.trades(6))));
    assertEquals("trades-0.5", family(relu, NATURAL.withAdversarial(AdversarialTraining.trades(0.5))));
    assertEquals("drelu-trades-1", family(ToyData.dense(ActivationKind.DRELU, 100),
        lambda(0.01).withAdversarial(AdversarialTraining.trades(1))));
  }

  @Test
  void lambdaIsWrittenAsALambdaSweepNamesItsModelsAndOnlyForDRelu() {
    assertEquals("drelu-lambda1.0E-7", ModelMethod.of(ToyData.dense(ActivationKind.DRELU, 100), lambda(1e-7))
        .familyWithLambda());
    assertEquals("drelu-lambda0.0", ModelMethod.of(ToyData.dense(ActivationKind.DRELU, 100), lambda(0))
        .familyWithLambda());
    assertEquals("relu", ModelMethod.of(ToyData.dense(ActivationKind.RELU, 100), lambda(0.01)).familyWithLambda());
  }

  @Test
  void settingsThatAreNoMethodDoNotChangeIt() {
    ModelMethod quick = ModelMethod.of(ToyData.dense(ActivationKind.DRELU, 2.0),
        new TrainingParams(5, 64, 1e-2, 0.01, 0.5, 5, 10, TrainingParams.Monitor.CE, 0.01, 7));
    ModelMethod paper = ModelMethod.of(ToyData.dense(ActivationKind.DRELU, 100), lambda(0.01));
    assertEquals(paper, quick, "cap-init, learning rates, monitor and seed are settings of one method");
  }

  @Test
  void anExternalModelHasNoMethod() {
    assertNull(ModelCard.external("ts", new dev.drelu.nn.TorchScriptFile("x.pt", "0".repeat(64)), ToyData.SHAPE, "cpu()")
        .method());
  }
}
