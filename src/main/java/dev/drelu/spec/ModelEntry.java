package dev.drelu.spec;

import dev.drelu.nn.ActivationKind;
import dev.drelu.nn.ModelSpec;
import dev.drelu.train.TrainingParams;
import java.io.Serializable;

/**
 * One model of a pipeline with the training it gets.
 *
 * @param name the label in tables and runs
 * @param model the network (settings its activation does not use are reset to their defaults)
 * @param training the pipeline's training parameters with this model's overrides applied; for a
 *     model without D-ReLU, lambda and the cap learning rate are set to 0 because they cannot
 *     change its training, so changing them does not retrain it
 */
public record ModelEntry(String name, ModelSpec model, TrainingParams training) implements Serializable {
  public ModelEntry {
    model = model.normalised();
    if (model.activation() != ActivationKind.DRELU) {
      training = new TrainingParams(training.maxEpochs(), training.batchSize(), training.learningRate(), 0.0,
          training.plateauFactor(), training.plateauPatience(), training.earlyStoppingPatience(),
          training.monitor(), 0.0, training.seed(), training.adversarial());
    }
  }
}
