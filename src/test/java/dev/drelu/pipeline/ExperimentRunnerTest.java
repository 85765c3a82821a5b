package dev.drelu.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drelu.core.Progress;
import dev.drelu.spec.PipelineSpec;
import dev.drelu.spec.SpecLoader;
import dev.drelu.testing.KilledRunOwner;
import dev.drelu.testing.Slow;
import dev.drelu.testing.TinyPipeline;
import dev.drelu.tracking.TrackingConfig;
import dev.drelu.tracking.TrackingOutcome;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.Service.Metric;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.api.proto.Service.RunStatus;
import org.mlflow.tracking.MlflowClient;

/**
 * The whole pipeline on a tiny subset: both runners give the same table, a second run reuses
 * everything, and the real MLflow server (started by ci/test.sh) holds a parent run per
 * execution and a child run per stage task with params, per-epoch metrics and cache tags.
 */
@Slow
class ExperimentRunnerTest {
  private static final String URI = System.getenv("MLFLOW_TRACKING_URI");

  @BeforeAll
  static void quiet() {
    Progress.setQuiet(true);
  }

  private static RunOptions options(RunOptions.Runner runner, Path store, TrackingConfig tracking) {
    return new RunOptions(runner, 2, store, tracking, CacheControl.reuse(), "cpu");
  }

  @Test
  void bothRunnersGiveTheSameTableAndASecondRunReusesEverything(@TempDir Path dir) throws Exception {
    assertNotNull(URI, "MLFLOW_TRACKING_URI is not set: run the tests with ci/test.sh, which starts the server");
    String experiment = "drelu-test-" + UUID.randomUUID();
    PipelineSpec spec = SpecLoader.load(TinyPipeline.write(dir, experiment, 2));
    TrackingConfig tracking = new TrackingConfig(URI, dir.resolve("journal").toString(), null);

    ExperimentResult direct = ExperimentRunner.run(spec, options(RunOptions.Runner.DIRECT, dir.resolve("a"), tracking));
    assertEquals(10, direct.plan().toCompute());
    assertEquals(2, direct.table().rows().size());
    assertEquals(List.of("fgsm", "pgd"), direct.table().attacks());
    // ten digits, 300 training images, two epochs: well above chance (10%), far from trained
    assertTrue(direct.table().rows().get(0).clean() > 0.3 && !direct.table().rows().get(0).atChance(),
        "clean accuracy " + direct.table().rows().get(0).clean());
    for (SummaryTable.Row r : direct.table().rows()) {
      // the diagnose stage's local Lipschitz estimates: lower bounds of a trained net's logit slope, so > 0
      assertNotNull(r.lipschitz(), r.model() + " has no Lipschitz estimate");
      assertTrue(r.lipschitz().meanSearched() > 0 && r.lipschitz().maxSampled() >= r.lipschitz().meanSampled(),
          r.model() + ": " + r.lipschitz());
    }
    assertEquals(TrackingOutcome.Kind.LOGGED, direct.tracking().kind());
    assertTrue(direct.tracking().warning() == null, direct.tracking().warning());

    ExperimentResult flink = ExperimentRunner.run(spec,
        options(RunOptions.Runner.FLINK, dir.resolve("b"), TrackingConfig.disabled()));
    assertEquals(direct.table(), flink.table(), "Flink and Direct runners must give identical results");

    ExperimentResult again = ExperimentRunner.run(spec, options(RunOptions.Runner.DIRECT, dir.resolve("a"), tracking));
    assertEquals(0, again.plan().toCompute());
    assertEquals(direct.table(), again.table());

    MlflowClient client = new MlflowClient(URI);
    String experimentId = client.getExperimentByName(experiment).orElseThrow().getExperimentId();
    List<RunInfo> all = client.searchRuns(List.of(experimentId), "");
    List<Run> runs = all.stream().map(r -> client.getRun(r.getRunId())).toList();
    List<Run> parents = runs.stream().filter(r -> "pipeline".equals(tag(r, "drelu.stage"))).toList();
    assertEquals(2, parents.size(), "one parent run per execution");
    for (Run parent : parents) {
      List<Run> children = runs.stream()
          .filter(r -> parent.getInfo().getRunId().equals(tag(r, "mlflow.parentRunId"))).toList();
      assertEquals(10, children.size(), "prepare + 2 train + 4 attack + 2 diagnose + summarise");
      Map<String, Long> byStage = children.stream().collect(Collectors.groupingBy(r -> tag(r, "drelu.stage"), Collectors.counting()));
      assertEquals(Map.of("prepare", 1L, "train", 2L, "attack", 4L, "diagnose", 2L, "summarise", 1L), byStage);
      children.forEach(c -> assertEquals(64, tag(c, "drelu.cache_key").length()));
    }
    Run diagnose = runs.stream().filter(r -> "diagnose".equals(tag(r, "drelu.stage"))).findFirst().orElseThrow();
    assertTrue(diagnose.getData().getMetricsList().stream().anyMatch(m -> m.getKey().equals("lipschitz_searched_mean")
        && m.getValue() > 0), "the diagnose run logs its Lipschitz estimate");
    long cachedChildren = runs.stream().filter(r -> "true".equals(tag(r, "drelu.cached"))).count();
    assertEquals(10, cachedChildren, "the second execution reused all 10 tasks");

    Run train = runs.stream().filter(r -> "train".equals(tag(r, "drelu.stage")) && "false".equals(tag(r, "drelu.cached"))
        && r.getData().getParamsList().stream().anyMatch(p -> p.getKey().equals("model.activation") && p.getValue().equals("DRELU")))
        .findFirst().orElseThrow();
    List<Metric> history = client.getMetricHistory(train.getInfo().getRunId(), "val_accuracy");
    assertEquals(2, history.size(), "one val_accuracy point per epoch");
    assertTrue(train.getData().getParamsList().stream().anyMatch(p -> p.getKey().equals("training.lambda") && p.getValue().equals("0.01")));
    assertFalse(tag(train, "drelu.departures_from_paper").isEmpty(), "cap-init 2 is a labelled departure");
    assertFalse(tag(train, "mlflow.source.git.commit").isEmpty());
  }

  @Test
  void withTheServerDownThePipelineFinishesAndSyncLaterLosesNothing(@TempDir Path dir) throws Exception {
    assertNotNull(URI, "MLFLOW_TRACKING_URI is not set: run the tests with ci/test.sh, which starts the server");
    String experiment = "drelu-test-offline-" + UUID.randomUUID();
    PipelineSpec spec = SpecLoader.load(TinyPipeline.write(dir, experiment, 1));
    Path journal = dir.resolve("journal");
    // nothing listens on port 9 (discard) of the loopback: every tracking call fails
    TrackingConfig down = new TrackingConfig("http://127.0.0.1:9", journal.toString(), null);
    ExperimentResult r = ExperimentRunner.run(spec, options(RunOptions.Runner.DIRECT, dir.resolve("store"), down));
    assertEquals(2, r.table().rows().size(), "the pipeline finishes without its server");
    assertEquals(TrackingOutcome.Kind.JOURNALED, r.tracking().kind());
    String line = r.tracking().line("unused");
    assertTrue(line.contains("unreachable") && line.contains("./drelu tracking sync"), line);

    dev.drelu.tracking.SyncReport sync = new dev.drelu.tracking.JournalReplayer(URI).replay(journal);
    assertTrue(sync.complete(), "sync: " + sync);
    MlflowClient client = new MlflowClient(URI);
    String experimentId = client.getExperimentByName(experiment).orElseThrow().getExperimentId();
    List<Run> runs = client.searchRuns(List.of(experimentId), "").stream().map(i -> client.getRun(i.getRunId())).toList();
    assertEquals(11, runs.size(), "parent + 10 stage runs replayed");
    Run parent = runs.stream().filter(x -> "pipeline".equals(tag(x, "drelu.stage"))).findFirst().orElseThrow();
    assertEquals(10, runs.stream().filter(x -> parent.getInfo().getRunId().equals(tag(x, "mlflow.parentRunId"))).count());
    assertEquals(0, new dev.drelu.tracking.JournalReplayer(URI).replay(journal).eventsSent(), "a second sync sends nothing");
  }

  @Test
  void aPipelineStartMarksTheRunsOfAKilledExecutionKilled(@TempDir Path dir) throws Exception {
    assertNotNull(URI, "MLFLOW_TRACKING_URI is not set: run the tests with ci/test.sh, which starts the server");
    String experiment = "drelu-test-killed-" + UUID.randomUUID();
    Path journal = dir.resolve("journal");
    KilledRunOwner.Killed killed = KilledRunOwner.spawnAndKill(URI, journal, experiment, dir.resolve("child"));
    MlflowClient client = new MlflowClient(URI);
    assertEquals(RunStatus.RUNNING, client.getRun(killed.parentRunId()).getInfo().getStatus(), "left RUNNING by the kill");

    PipelineSpec spec = SpecLoader.load(TinyPipeline.write(dir, experiment, 1));
    TrackingConfig tracking = new TrackingConfig(URI, journal.toString(), null);
    ExperimentResult r = ExperimentRunner.run(spec, new RunOptions(RunOptions.Runner.DIRECT, 1, dir.resolve("store"),
        tracking, new CacheControl(Stage.PREPARE, null, java.util.Set.of(), false), "cpu"));
    assertEquals(TrackingOutcome.Kind.LOGGED, r.tracking().kind());
    assertEquals("1 of 10 tasks to compute, 0 reused, 9 skipped by --only prepare", r.plan().tally("to compute"));

    assertEquals(RunStatus.KILLED, client.getRun(killed.parentRunId()).getInfo().getStatus());
    assertEquals(RunStatus.KILLED, client.getRun(killed.childRunId()).getInfo().getStatus());
    String experimentId = client.getExperimentByName(experiment).orElseThrow().getExperimentId();
    List<RunInfo> ours = client.searchRuns(List.of(experimentId), "tags.`drelu.stage` = 'pipeline'");
    assertEquals(1, ours.size());
    assertEquals(RunStatus.FINISHED, ours.get(0).getStatus(), "the new execution's own run ends normally");
  }

  @Test
  void aSpecThatCannotBePlannedStartsNoRunThoughTheTrackerOpenedBesideThePlanning(@TempDir Path dir)
      throws Exception {
    assertNotNull(URI, "MLFLOW_TRACKING_URI is not set: run the tests with ci/test.sh, which starts the server");
    String experiment = "drelu-test-unplannable-" + UUID.randomUUID();
    PipelineSpec spec = SpecLoader.load(TinyPipeline.write(dir, experiment, 1));
    TrackingConfig tracking = new TrackingConfig(URI, dir.resolve("journal").toString(), null);
    // --only attack on an empty store: planning refuses, since the attack's inputs are not cached
    RunOptions options = new RunOptions(RunOptions.Runner.DIRECT, 1, dir.resolve("store"), tracking,
        new CacheControl(Stage.ATTACK, null, java.util.Set.of(), false), "cpu");
    IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> ExperimentRunner.run(spec, options));
    assertTrue(e.getMessage().contains("--only attack needs the earlier stages cached"), e.getMessage());

    MlflowClient client = new MlflowClient(URI);
    // the tracker may have created the experiment while the planning ran, but no run is in it
    client.getExperimentByName(experiment).ifPresent(x -> assertEquals(List.of(),
        client.searchRuns(List.of(x.getExperimentId()), "")));
    assertFalse(java.nio.file.Files.exists(dir.resolve("journal")) && java.nio.file.Files.list(dir.resolve("journal"))
        .findAny().isPresent(), "nothing journaled either");
  }

  private static String tag(Run r, String key) {
    return r.getData().getTagsList().stream().filter(t -> t.getKey().equals(key)).map(t -> t.getValue())
        .findFirst().orElse("");
  }
}
