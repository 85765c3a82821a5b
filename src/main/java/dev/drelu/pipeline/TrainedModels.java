package dev.drelu.pipeline;

import ai.djl.Device;
import dev.drelu.nn.Classifier;
import dev.drelu.nn.TorchScriptClassifier;
import dev.drelu.store.Json;
import dev.drelu.train.ModelCard;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Opens what a train-stage artifact holds, for the stages after it: a network drelu trained
 * ({@code model.params}) or an external model it imported ({@code model.pt}). Both read the same
 * {@code model.json} card, so attack and diagnose need not know which kind they evaluate.
 */
final class TrainedModels {
  private TrainedModels() {}

  /** @return the card of the model in {@code dir} (a committed train artifact) */
  static ModelCard card(dev.drelu.store.Artifact dir) throws IOException {
    return Json.CANONICAL.readValue(dir.file(TrainStage.CARD).toFile(), ModelCard.class);
  }

  /**
   * @return the model in evaluation-ready form
   * @throws IOException if its files cannot be read or no longer fit its card
   */
  static Classifier load(dev.drelu.store.Artifact dir, Device device) throws IOException {
    ModelCard card = card(dir);
    return card.isExternal()
        ? TorchScriptClassifier.load(dir.file(TrainStage.TORCHSCRIPT), card.input(), device)
        : Classifier.load(card.model(), card.input(), dir.file(TrainStage.PARAMS), device);
  }
}
