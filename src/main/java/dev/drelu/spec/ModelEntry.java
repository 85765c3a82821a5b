package dev.drelu.spec;

import dev.drelu.nn.ActivationKind;
import dev.drelu.nn.ModelSpec;
import dev.drelu.nn.TorchScriptFile;
import dev.drelu.train.TrainingParams;
import java.io.Serializable;

/**
 * One model of a pipeline: a network drelu trains, with the training it gets, or an external
 * TorchScript file it only evaluates.
 *
 * @param name the label in tables and runs
 * @param model the network (settings its activation does not use are reset to their defaults);
 *     null for an external model
 * @param training the pipeline's training parameters with this model's overrides applied; for a
 *     model without D-ReLU, lambda and the cap learning rate are set to 0 because they cannot
 *     change its training, so changing them does not retrain it; for a dense network channels-last
 *     is off for the same reason; null for an external model
 * @param torchscript the external model's file, or null for a network drelu trains
 */
public record ModelEntry(String name, ModelSpec model, TrainingParams training, TorchScriptFile torchscript)
    implements Serializable {
  public ModelEntry {
    if (torchscript != null) {
      if (model != null || training != null) {
        throw new IllegalArgumentException("an external TorchScript model has no network spec or training of drelu's;"
            + " build it with ModelEntry.external");
      }
    } else {
      model = model.normalised();
      if (model.activation() != ActivationKind.DRELU) {
        training = training.withCapSettings(0, 0);
      }
      if (!model.architecture().isConvolutional()) {
        training = training.withChannelsLast(false); // nothing to lay out: a dense key never depends on it
      }
    }
  }

  /** A network drelu trains. */
  public ModelEntry(String name, ModelSpec model, TrainingParams training) {
    this(name, model, training, null);
  }

  /** @return an external model: the TorchScript file, evaluated as given */
  public static ModelEntry external(String name, TorchScriptFile file) {
    return new ModelEntry(name, null, null, file);
  }

  /**
   * @return true for a convolutional network drelu builds: the one kind whose passes the
   *     channels-last layout changes (an external file is run as given)
   */
  public boolean isConvolutional() {
    return !isExternal() && model.architecture().isConvolutional();
  }

  /** @return true for an external TorchScript model: no training, no caps, no ReLU twin */
  public boolean isExternal() {
    return torchscript != null;
  }
}
