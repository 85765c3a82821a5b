package dev.drelu.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.drelu.nn.ActivationKind;
import dev.drelu.nn.Autograd;
import dev.drelu.nn.Classifier;
import dev.drelu.nn.TorchScriptClassifier;
import dev.drelu.store.ArtifactStore;
import dev.drelu.store.Json;
import dev.drelu.testing.ToyData;
import dev.drelu.train.ModelCard;
import dev.drelu.train.TrainingParams;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code drelu export}: a trained model of a real store, by its key, as a TorchScript file libtorch runs. */
class ExportCommandTest {
  @TempDir Path root;

  private record Result(int exitCode, String out, String err) {}

  private Result export(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    List<String> all = new java.util.ArrayList<>(List.of("export"));
    all.addAll(List.of(args));
    all.addAll(List.of("--store", root.resolve("store").toString()));
    return new Result(cl.execute(all.toArray(String[]::new)), out.toString(), err.toString());
  }

  /** Commits a D-ReLU Dense model under {@code key} as the train stage does (card, weights, summary). */
  private void commitModel(String key, Classifier model) throws Exception {
    ArtifactStore store = ArtifactStore.open(root.resolve("store").toString());
    ArtifactStore.Staging staging = store.begin("train", key);
    model.save(staging.file("model.params"));
    ModelCard card = new ModelCard(ModelCard.FORMAT_VERSION, "dense-drelu", model.spec(), model.input(),
        TrainingParams.paper(), 1, 1, false, 0.5, model.capSummary(), "cpu()");
    Json.CANONICAL.writerWithDefaultPrettyPrinter().writeValue(staging.file("model.json").toFile(), card);
    store.commit(staging, 3, Map.of(), List.of(), Map.of("best_val_accuracy", "0.5", "best_val_loss", "1.0",
        "best_epoch", "1", "epochs", "1", "resumed_from_epoch", "0", "device", "cpu()"));
  }

  @Test
  void aStoredModelIsWrittenAsTorchScriptThatGivesItsLogits() throws Exception {
    String key = "ab12" + "0".repeat(60);
    Path file = root.resolve("m.pt");
    float[] x = new float[3 * 64];
    for (int i = 0; i < x.length; i++) {
      x[i] = (i * 37 % 101) / 100f;
    }
    float[] expected;
    try (Classifier model = Classifier.create(ToyData.dense(ActivationKind.DRELU, 0.3), ToyData.SHAPE, 5, Device.cpu())) {
      commitModel(key, model);
      expected = logits(model, x);
    }

    Result r = export("ab12", "-o", file.toString());

    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().startsWith("wrote " + file), r.out());
    try (Classifier loaded = TorchScriptClassifier.load(file, ToyData.SHAPE, Device.cpu())) {
      float[] got = logits(loaded, x);
      for (int i = 0; i < got.length; i++) {
        assertEquals(expected[i], got[i], 1e-5, "logit " + i);
      }
    }
  }

  @Test
  void anUnknownKeyAnAmbiguousPrefixAndAnUnknownFormatAreOneLineErrors() throws Exception {
    try (Classifier model = Classifier.create(ToyData.dense(ActivationKind.RELU, 1), ToyData.SHAPE, 5, Device.cpu())) {
      commitModel("ab12" + "0".repeat(60), model);
      commitModel("ab13" + "0".repeat(60), model);
    }
    Result unknown = export("ffff");
    assertEquals(2, unknown.exitCode());
    assertTrue(unknown.err().contains("no trained model with key ffff in the store"), unknown.err());
    Result ambiguous = export("ab1");
    assertTrue(ambiguous.err().contains("key ab1 fits 2 trained models"), ambiguous.err());
    Result format = export("ab12", "--format", "onnx");
    assertTrue(format.err().contains("--format onnx is not an export format; use torchscript or robustbench"),
        format.err());
    Result unevaluated = export("ab12", "--format", "robustbench");
    assertEquals(2, unevaluated.exitCode());
    assertTrue(unevaluated.err().contains("model ab1200000000 has no diagnosed evaluation in the store"),
        unevaluated.err());
    Result misplaced = export("ab12", "--threat-model", "Linf 0.1");
    assertTrue(misplaced.err().contains("--threat-model and --dataset belong to --format robustbench"), misplaced.err());
    assertFalse(Files.exists(Path.of("ab12" + "0".repeat(8) + ".pt")));
  }

  private static float[] logits(Classifier model, float[] x) {
    try (NDManager m = model.manager().newSubManager(); Autograd off = Autograd.off()) {
      NDArray in = m.create(x, new Shape(3, 1, 8, 8));
      return model.forward(in, false).toFloatArray();
    }
  }
}
