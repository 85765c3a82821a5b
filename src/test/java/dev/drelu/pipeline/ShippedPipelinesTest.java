package dev.drelu.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drelu.core.Progress;
import dev.drelu.data.DatasetParams;
import dev.drelu.data.DatasetPreparer;
import dev.drelu.data.SmokeData;
import dev.drelu.spec.PipelineSpec;
import dev.drelu.spec.SpecLoader;
import dev.drelu.store.ArtifactStore;
import dev.drelu.testing.Slow;
import dev.drelu.tracking.TrackingConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every shipped pipeline spec plans, and every CPU smoke variant runs end to end. */
@Slow
class ShippedPipelinesTest {
  @BeforeAll
  static void quiet() {
    Progress.setQuiet(true);
  }

  private static List<Path> specs(String suffix) throws Exception {
    try (Stream<Path> s = Files.list(Path.of("pipelines"))) {
      return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
    }
  }

  /** The stand-ins of CIFAR, TinyImageNet and EDM, where the smoke specs read them. */
  @BeforeAll
  static void smokeData() throws Exception {
    SmokeData.write(Path.of(DatasetPreparer.FASHION_MNIST), Path.of(".drelu", SmokeData.FOLDER));
  }

  /**
   * The full CIFAR and TinyImageNet specs read the real datasets from .drelu/data, which CI does not
   * have: they are planned on the stand-ins, which have the same folder layout and formats.
   */
  private static PipelineSpec onStandInsIfAbsent(PipelineSpec spec) {
    DatasetParams d = spec.dataset();
    if (d.path() == null || Files.exists(Path.of(d.path()))) {
      return spec;
    }
    String real = "/.drelu/data/";
    String standIn = "/.drelu/" + SmokeData.FOLDER + "/";
    assertTrue(d.path().contains(real), spec.file() + ": its dataset " + d.path() + " is missing");
    DatasetParams.Generated g = d.generated();
    DatasetParams.Generated g2 = g == null ? null : new DatasetParams.Generated(g.path().replace(real, standIn),
        g.realRatio(), g.limit(), g.imageKey(), g.labelKey());
    return spec.withDataset(new DatasetParams(d.name(), d.source(), d.path().replace(real, standIn), d.numClasses(),
        d.testFraction(), d.validationFraction(), d.splitSeed(), d.trainLimit(), d.testLimit(), g2));
  }

  @Test
  void everyShippedPipelinePlans(@TempDir Path store) throws Exception {
    List<Path> all = specs(".yaml");
    assertTrue(all.size() >= 3, "pipelines/ holds " + all);
    for (Path file : all) {
      PipelineSpec spec = onStandInsIfAbsent(SpecLoader.load(file));
      Plan plan = Planner.plan(spec, ArtifactStore.open(store.toString()), CacheControl.reuse());
      assertEquals(plan.steps().size(), plan.toCompute(), file + ": an empty store computes everything");
    }
  }

  @Test
  void everySmokeVariantRunsAndReportsEveryModelAndAttack(@TempDir Path dir) throws Exception {
    List<Path> smoke = specs("-smoke.yaml");
    assertFalse(smoke.isEmpty());
    for (Path file : smoke) {
      PipelineSpec spec = SpecLoader.load(file);
      ExperimentResult r = ExperimentRunner.run(spec, new RunOptions(RunOptions.Runner.DIRECT, 2,
          dir.resolve(spec.name()), TrackingConfig.disabled(), CacheControl.reuse(), "cpu"));
      assertEquals(spec.models().size() * spec.seeds().size(), r.table().rows().size(), file.toString());
      assertEquals(spec.attacks().stream().map(a -> a.name()).toList(), r.table().attacks(), file.toString());
      for (SummaryTable.Row row : r.table().rows()) {
        assertFalse("-".equals(row.masking()), file + ": " + row.model() + " has its diagnostics");
      }
      Path report = Path.of(r.summary().location(), "report", "index.html");
      assertTrue(Files.exists(report), file + ": the report");
      // the paper-form table's columns: clean, then the attacks in the spec's order
      String header = Files.readAllLines(report.resolveSibling("tables").resolve("accuracy.md")).get(0);
      int at = header.indexOf("| clean |");
      assertTrue(at > 0, file + ": " + header);
      for (String attack : r.table().attacks()) {
        int next = header.indexOf("| " + attack + " |", at);
        assertTrue(next > at, file + ": " + attack + " out of the spec's order in " + header);
        at = next;
      }
      // as a person would open it: every plot loads, every table is there
      String probe = dev.drelu.testing.Chromium.probe(report, dir);
      assertTrue(probe.matches("images=\\d+ broken=0 \\[\\] tables=\\d+"), file + ": " + probe);
      assertFalse(probe.startsWith("images=0 "), file + ": the report has no plots: " + probe);
    }
  }
}
