package dev.drelu.train;

import dev.drelu.nn.CapSummary;
import dev.drelu.nn.InputShape;
import dev.drelu.nn.ModelSpec;

/**
 * What a trained-model artifact says about itself ({@code model.json}): enough to rebuild the
 * network and load {@code model.params}, and the facts a reader wants first.
 *
 * @param formatVersion bumped when fields change meaning; new fields must be optional
 * @param name the model's label
 * @param device the device it was trained on
 */
public record ModelCard(
    int formatVersion,
    String name,
    ModelSpec model,
    InputShape input,
    TrainingParams training,
    int bestEpoch,
    int epochs,
    boolean stoppedEarly,
    double validationAccuracy,
    CapSummary caps,
    String device) {

  /** The current format. */
  public static final int FORMAT_VERSION = 1;
}
