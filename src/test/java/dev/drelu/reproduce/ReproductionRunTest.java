package dev.drelu.reproduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drelu.cli.Main;
import dev.drelu.paper.PaperCell;
import dev.drelu.paper.PaperTables;
import dev.drelu.testing.Slow;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunTag;
import org.mlflow.tracking.MlflowClient;

/**
 * {@code drelu reproduce} on the tiny Table 1 spec, through the real command line, with small
 * presets of the same shape as the shipped ones and the real MLflow server (ci/test.sh starts it):
 * the Markdown and CSV carry the paper's values cell for cell, and every MLflow run of the
 * faithful pipeline is tagged {@code drelu.protocol=paper}, every run of the sound one
 * {@code sound}.
 */
@Slow
class ReproductionRunTest {
  private static final String URI = System.getenv("MLFLOW_TRACKING_URI");

  @TempDir Path dir;

  /** The shipped presets' settings at toy budgets: the protocol's deviations kept, the steps cut. */
  private Path presets() throws Exception {
    Path protocol = Files.createDirectories(dir.resolve("presets/paper-protocol"));
    Files.copy(Path.of("params/attacks/paper-protocol/evaluation.yaml"), protocol.resolve("evaluation.yaml"));
    Files.copy(Path.of("params/attacks/paper-protocol/fgsm.yaml"), protocol.resolve("fgsm.yaml"));
    Files.writeString(protocol.resolve("pgd.yaml"),
        "name: pgd\nmethod: pgd\nepsilon: 0.1\nsteps: 4\nstep-size: 0.03\nmodel-output: softmax\n");
    for (String m : List.of("apgd-ce", "apgd-dlr")) {
      Files.writeString(protocol.resolve(m + ".yaml"), "name: " + m + "\nmethod: " + m
          + "\nepsilon: 0.1\nsteps: 4\nmodel-output: softmax\neot-samples: 20\n");
    }
    Files.writeString(protocol.resolve("cw-l2.yaml"), "name: cw-l2\nmethod: cw-l2\nepsilon: 0.25\nsteps: 5\n"
        + "binary-search-steps: 2\nmodel-output: softmax\n");
    Path standard = Files.createDirectories(dir.resolve("presets/standard-mnist"));
    Files.writeString(standard.resolve("apgd-ce.yaml"), "name: apgd-ce\nmethod: apgd-ce\nepsilon: 0.3\nsteps: 4\n");
    Files.writeString(standard.resolve("square.yaml"), "name: square\nmethod: square\nepsilon: 0.3\nqueries: 20\n");
    return dir.resolve("presets");
  }

  @Test
  void writesThePapersValuesCellForCellAndTagsEachProtocolsRuns() throws Exception {
    assertNotNull(URI, "MLFLOW_TRACKING_URI is not set: run the tests with ci/test.sh, which starts the server");
    String experiment = "drelu-repro-test-" + UUID.randomUUID();
    Path spec = Files.writeString(dir.resolve("tiny.yaml"), Files.readString(
        Path.of("pipelines/mnist-table-repro-tiny.yaml")).replace("experiment: drelu-repro-tiny",
        "experiment: " + experiment));
    Path out = dir.resolve("out");
    StringWriter stdout = new StringWriter();
    StringWriter stderr = new StringWriter();
    var cl = Main.commandLine();
    cl.setOut(new PrintWriter(stdout));
    cl.setErr(new PrintWriter(stderr));
    int code = cl.execute("reproduce", spec.toString(), "--presets", presets().toString(), "--store",
        dir.resolve("store").toString(), "--out", out.toString(), "--tracking-uri", URI, "--quiet");
    assertEquals(0, code, stderr.toString());

    List<PaperCell> cells = PaperTables.load().table(1);
    List<String> csv = Files.readAllLines(out.resolve("reproduction.csv"), StandardCharsets.UTF_8);
    assertEquals(cells.size() + 1, csv.size(), "a header and one line per paper cell");
    String markdown = Files.readString(out.resolve("reproduction.md"));
    for (int i = 0; i < cells.size(); i++) {
      PaperCell c = cells.get(i);
      String[] f = csv.get(i + 1).split(",", -1);
      assertEquals(List.of("1", c.architecture(), c.method(), c.metric()), List.of(f[0], f[1], f[2], f[3]));
      assertEquals(c.accuracy(), Double.parseDouble(f[6]), 1e-9, "paper value of " + c);
      boolean hasModel = c.architecture().equals("dense") || c.method().equals("drelu");
      assertEquals(hasModel, !f[5].isEmpty(), "models of " + c);
      assertEquals(hasModel, !f[7].isEmpty(), "faithful value of " + c);
      assertEquals(hasModel, !f[8].isEmpty(), "sound value of " + c);
      assertTrue(markdown.contains("| " + c.architecture() + " | " + c.method() + " | " + c.metric() + " |"),
          "markdown row of " + c);
      assertTrue(markdown.contains(String.format(Locale.ROOT, "| %.2f |", c.accuracy())), "printed " + c);
    }
    assertTrue(Files.readString(out.resolve("reproduction.html")).contains("<section id=\"reproduction\">"));
    assertTrue(Files.size(out.resolve("plots/reproduction-pgd.png")) > 1000, "the plot per metric");

    MlflowClient client = new MlflowClient(URI);
    String id = client.getExperimentByName(experiment).orElseThrow().getExperimentId();
    List<Run> runs = client.searchRuns(List.of(id), "").stream().map(r -> client.getRun(r.getRunId())).toList();
    Map<String, String> protocolOfParent = new HashMap<>();
    for (Run r : runs) {
      if ("pipeline".equals(tag(r, "drelu.stage"))) {
        protocolOfParent.put(r.getInfo().getRunId(), tag(r, "drelu.protocol"));
        assertEquals(tag(r, "drelu.pipeline").endsWith("-paper-protocol") ? "paper" : "sound",
            tag(r, "drelu.protocol"), tag(r, "drelu.pipeline"));
      }
    }
    assertEquals(2, protocolOfParent.size(), "one parent run per protocol");
    assertTrue(protocolOfParent.containsValue("paper") && protocolOfParent.containsValue("sound"));
    int children = 0;
    for (Run r : runs) {
      String parent = tag(r, "mlflow.parentRunId");
      if (parent != null) {
        assertEquals(protocolOfParent.get(parent), tag(r, "drelu.protocol"), tag(r, "mlflow.runName"));
        children++;
      }
    }
    assertTrue(children > 10, "the stage runs of both pipelines: " + children);
    assertFalse(stderr.toString().contains("WARNING"), stderr.toString());
  }

  private static String tag(Run r, String key) {
    return r.getData().getTagsList().stream().filter(t -> t.getKey().equals(key)).map(RunTag::getValue).findFirst()
        .orElse(null);
  }
}
