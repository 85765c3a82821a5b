package dev.drelu.train;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.drelu.nn.CapSummary;
import dev.drelu.nn.InputShape;
import dev.drelu.nn.ModelSpec;
import dev.drelu.nn.TorchScriptFile;

/**
 * What a trained-model artifact says about itself ({@code model.json}): enough to rebuild the
 * network and load {@code model.params}, and the facts a reader wants first. An imported external
 * model has a card too: its TorchScript file, the input it was checked against, and no network
 * spec, training or caps.
 *
 * @param formatVersion bumped when fields change meaning; new fields must be optional
 * @param name the model's label
 * @param model the network; null for an external model
 * @param training null for an external model
 * @param validationAccuracy NaN for an external model (it was not trained here)
 * @param device the device it was trained (or, for an external model, checked) on
 * @param torchscript the external model's file (its hash); absent from cards of trained models,
 *     including every card written before external models existed
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
    String device,
    @JsonInclude(JsonInclude.Include.NON_NULL) TorchScriptFile torchscript) {

  /** The current format. */
  public static final int FORMAT_VERSION = 1;

  /** The card of a trained network. */
  public ModelCard(int formatVersion, String name, ModelSpec model, InputShape input, TrainingParams training,
      int bestEpoch, int epochs, boolean stoppedEarly, double validationAccuracy, CapSummary caps, String device) {
    this(formatVersion, name, model, input, training, bestEpoch, epochs, stoppedEarly, validationAccuracy, caps, device,
        null);
  }

  /** @return the card of an imported external model: no network spec, training or caps */
  public static ModelCard external(String name, TorchScriptFile torchscript, InputShape input, String device) {
    return new ModelCard(FORMAT_VERSION, name, null, input, null, 0, 0, false, Double.NaN,
        CapSummary.of(java.util.List.of()), device, torchscript);
  }

  /** @return true for an imported external TorchScript model */
  @JsonIgnore
  public boolean isExternal() {
    return torchscript != null;
  }

  /** @return what the network is, as the statistics compare it; null for an external model */
  @JsonIgnore
  public ModelMethod method() {
    return isExternal() ? null : ModelMethod.of(model, training);
  }
}
