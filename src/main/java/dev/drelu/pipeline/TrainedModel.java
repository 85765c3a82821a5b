package dev.drelu.pipeline;

import ai.djl.Device;
import dev.drelu.nn.Classifier;
import dev.drelu.nn.TorchScriptClassifier;
import dev.drelu.stats.CsvWriter;
import dev.drelu.store.Artifact;
import dev.drelu.store.ArtifactFiles;
import dev.drelu.store.ArtifactStore;
import dev.drelu.store.Json;
import dev.drelu.store.Manifest;
import dev.drelu.store.SummaryFields;
import dev.drelu.train.EpochMetrics;
import dev.drelu.train.ModelCard;
import dev.drelu.train.TrainingOutcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The train stage's output: a network drelu trained ({@code model.params} and its
 * {@code history.csv}) or an external model it imported ({@code model.pt}), each with its card
 * ({@code model.json}), so the stages after it evaluate either kind the same way.
 *
 * @param card what the model is and how it did (an external model: its file and input)
 * @param bestValidationLoss the validation loss of the kept epoch; NaN for an external model
 * @param resumedFromEpoch the epoch a resumed training continued after (0: started fresh or external)
 * @param storedParameters an external model's parameter count; 0 for a trained one (not recorded)
 * @param files the artifact's files (the staging folder while it is written)
 */
public record TrainedModel(ModelCard card, double bestValidationLoss, int resumedFromEpoch, long storedParameters,
    ArtifactFiles files) implements StageOutput {
  private static final String PARAMS = "model.params";
  private static final String CARD = "model.json";
  private static final String HISTORY = "history.csv";
  /** An imported external model's TorchScript file. */
  private static final String TORCHSCRIPT = "model.pt";

  /** Writes a trained network, its card and its per-epoch history into {@code staging}. */
  static TrainedModel writeTrained(Classifier model, ModelCard card, TrainingOutcome outcome,
      ArtifactStore.Staging staging) throws IOException {
    model.save(staging.file(PARAMS));
    writeCard(card, staging);
    Files.writeString(staging.file(HISTORY), historyCsv(outcome.history()), StandardCharsets.UTF_8);
    return new TrainedModel(card, outcome.best().validationLoss(), outcome.resumedFrom(), 0, staging);
  }

  /**
   * Copies an external model's TorchScript file into {@code staging} with its card. The copy
   * must still be the content the spec hashed: the key names that content, not the path.
   *
   * @param parameters its parameter count, as loading it found
   * @throws IOException if the file changed since the spec was loaded
   */
  static TrainedModel writeImported(Path source, ModelCard card, long parameters, ArtifactStore.Staging staging)
      throws IOException {
    Path copy = staging.file(TORCHSCRIPT);
    Files.copy(source, copy);
    String sha256 = Classifier.checkpointSha256(copy);
    if (!sha256.equals(card.torchscript().sha256())) {
      throw new IOException(source + " changed since the spec was loaded (sha256 " + sha256 + ", expected "
          + card.torchscript().sha256() + "); load the spec again");
    }
    writeCard(card, staging);
    return new TrainedModel(card, Double.NaN, 0, parameters, staging);
  }

  private static void writeCard(ModelCard card, ArtifactStore.Staging staging) throws IOException {
    Json.CANONICAL.writerWithDefaultPrettyPrinter().writeValue(staging.file(CARD).toFile(), card);
  }

  /** @return the model of the committed artifact {@code key} */
  public static TrainedModel read(ArtifactStore store, String key) throws IOException {
    return read(store.open(Stage.TRAIN.key(), key));
  }

  /** @return the model of a committed train artifact: its card and summary (the weights are read by {@link #load}) */
  static TrainedModel read(Artifact a) throws IOException {
    ModelCard card = Json.CANONICAL.readValue(a.file(CARD).toFile(), ModelCard.class);
    SummaryFields.Reader s = SummaryFields.of(a);
    return card.isExternal()
        ? new TrainedModel(card, Double.NaN, 0, s.count("parameters"), a)
        : new TrainedModel(card, s.number("best_val_loss"), s.smallCount("resumed_from_epoch"), 0, a);
  }

  /**
   * @return the sha256 of the committed weights: it tells apart two commits under one key (a
   *     forced retrain on a GPU need not give the same bits)
   * @throws IllegalStateException for a model that is not committed yet
   */
  public String weightsSha256() {
    if (files() instanceof Artifact a) {
      Manifest.FileEntry weights = a.manifest().files().get(card.isExternal() ? TORCHSCRIPT : PARAMS);
      if (weights != null) {
        return weights.sha256();
      }
    }
    throw new IllegalStateException("only a committed model has a weights sha256: " + files().location());
  }

  @Override
  public SummaryFields fields() {
    SummaryFields f = new SummaryFields();
    if (card.isExternal()) {
      f.label("torchscript_sha256", card.torchscript().sha256()).count("parameters", storedParameters);
    } else {
      f.number("best_val_accuracy", card.validationAccuracy())
          .number("best_val_loss", bestValidationLoss)
          .count("best_epoch", card.bestEpoch())
          .count("epochs", card.epochs())
          .count("resumed_from_epoch", resumedFromEpoch);
      if (card.caps().count() > 0) {
        f.number("cap_mean", card.caps().mean()).number("cap_min", card.caps().min())
            .number("cap_max", card.caps().max());
      }
    }
    return f.label("device", card.device());
  }

  /** @return the mean learned cap; NaN without caps (no D-ReLU, or an external model) */
  double capMean() {
    return card.caps().count() > 0 ? card.caps().mean() : Double.NaN;
  }

  /**
   * @return the model in evaluation-ready form
   * @throws IOException if its files cannot be read or no longer fit its card
   */
  public Classifier load(Device device) throws IOException {
    return card.isExternal()
        ? TorchScriptClassifier.load(files.file(TORCHSCRIPT), card.input(), device)
        : Classifier.load(card.model(), card.input(), files.file(PARAMS), device);
  }

  /** @return a trained network's parameters file, to start another training from */
  Path parameters() throws IOException {
    return files.file(PARAMS);
  }

  /** @return a trained network's per-epoch metrics ({@code history.csv}) */
  Path history() throws IOException {
    return files.file(HISTORY);
  }

  /** @return an imported model's TorchScript file, as the store holds it */
  Path torchScript() throws IOException {
    return files.file(TORCHSCRIPT);
  }

  /** @return one line per epoch, the columns those of the first epoch (later gaps print NaN) */
  static String historyCsv(List<EpochMetrics> history) {
    List<String> columns = new ArrayList<>(history.get(0).asMap().keySet());
    List<String> header = new ArrayList<>(List.of("epoch"));
    header.addAll(columns);
    List<List<String>> rows = new ArrayList<>();
    for (EpochMetrics m : history) {
      Map<String, Double> values = m.asMap();
      List<String> row = new ArrayList<>(List.of(Integer.toString(m.epoch())));
      columns.forEach(c -> row.add(Double.toString(values.getOrDefault(c, Double.NaN))));
      rows.add(row);
    }
    return CsvWriter.write(header, rows);
  }
}
