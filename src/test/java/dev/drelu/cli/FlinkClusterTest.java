package dev.drelu.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drelu.cli.ErrorReportingTest.Result;
import dev.drelu.core.Sha256;
import dev.drelu.data.ArrowTables;
import dev.drelu.data.ColumnTable;
import dev.drelu.pipeline.CacheControl;
import dev.drelu.pipeline.ExperimentResult;
import dev.drelu.pipeline.ExperimentRunner;
import dev.drelu.pipeline.FlinkMaster;
import dev.drelu.pipeline.RunOptions;
import dev.drelu.spec.PipelineSpec;
import dev.drelu.spec.SpecLoader;
import dev.drelu.store.ArtifactStore;
import dev.drelu.testing.S3ProxyServer;
import dev.drelu.testing.Slow;
import dev.drelu.testing.TinyPipeline;
import dev.drelu.tracking.TrackingConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.tracking.MlflowClient;

/**
 * drelu on a real Flink 1.19 standalone cluster: one JobManager and two TaskManagers, each its own
 * JVM started by ci/flink-cluster.sh (as a user would), always stopped afterwards. The store is a
 * local folder the cluster's processes share (they run on this machine).
 */
@Slow
class FlinkClusterTest {
  private static final Path ROOT = Path.of("").toAbsolutePath();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private static Path flinkHome;
  private static int restPort;
  private static int rpcPort;
  private static FlinkMaster master;
  private static Path spec;
  /** Per-example result files of the Direct runner on a local store, by attack key. */
  private static Map<String, String> directResults;
  private static Thread stopOnExit;

  @BeforeAll
  static void startClusterAndRunTheReference() throws Exception {
    flinkHome = dir.resolve("flink");
    restPort = freePort();
    rpcPort = freePort();
    stopOnExit = new Thread(FlinkClusterTest::stopCluster);
    Runtime.getRuntime().addShutdownHook(stopOnExit); // also when the test JVM is ended early
    Script start = cluster("start", "--taskmanagers", "2");
    assertEquals(0, start.exit(), start.toString());
    master = FlinkMaster.parse(start.out().strip());
    assertEquals(2, master.totalSlots(), "two TaskManagers with one slot each");

    spec = TinyPipeline.write(dir, "drelu-test-flink-" + UUID.randomUUID(), 2);
    Path direct = dir.resolve("direct-store");
    ExperimentRunner.run(SpecLoader.load(spec), new RunOptions(RunOptions.Runner.DIRECT, 2, direct,
        TrackingConfig.disabled(), CacheControl.reuse(), "cpu"));
    directResults = resultFiles(direct);
    assertEquals(6, directResults.size(), "2 models x 2 attacks, and the 2 models");
  }

  @AfterAll
  static void stop() {
    stopCluster();
    Runtime.getRuntime().removeShutdownHook(stopOnExit);
  }

  @Test
  void theClusterGivesTheDirectRunnersPerExampleResults() throws Exception {
    Path store = dir.resolve("cluster-store");
    PipelineSpec pipeline = SpecLoader.load(spec);
    ExperimentResult r = ExperimentRunner.run(pipeline, onCluster(store));

    assertEquals(10, r.counts().computed(), r.tally());
    assertEquals(directResults, resultFiles(store), "per-example results and model weights (sha256)");
    JsonNode jobs = rest("/jobs/overview").get("jobs");
    assertTrue(jobs.findValuesAsText("name").contains("drelu-" + pipeline.name()), "the job ran on the cluster: " + jobs);
  }

  /**
   * The same pipeline on the cluster against an S3 store (s3proxy, its own JVM): the workers read
   * and write only through the bucket, each with its own cache folder, and the per-example results
   * and weights read back from the bucket are the Direct runner's on a local folder.
   */
  @Test
  void theClusterWithAnS3StoreGivesTheDirectRunnersResults() throws Exception {
    String savedHome = System.getProperty("drelu.home");
    System.setProperty("drelu.home", dir.resolve("s3-client-home").toString()); // this JVM's S3 cache
    try (S3ProxyServer s3 = S3ProxyServer.start(Files.createDirectories(dir.resolve("s3")))) {
      String location = s3.location("drelu-cluster", "tiny");
      ExperimentResult r = ExperimentRunner.run(SpecLoader.load(spec), onCluster(location));
      // not computed == 10: one run saw 7 computed + 3 reused on a fresh bucket (open question, see
      // the h-flink report); what must hold is that every task ran and the results are right
      assertEquals(10, r.counts().computed() + r.counts().reused(), r.tally());
      System.out.println("FlinkClusterTest: cluster + S3 store: " + r.tally());
      ArtifactStore store = ArtifactStore.open(location);
      Map<String, String> fromBucket = new TreeMap<>();
      for (String entry : directResults.keySet()) {
        String stage = entry.substring(0, entry.indexOf('/'));
        String key = entry.substring(entry.indexOf('/') + 1);
        Path file = store.open(stage, key).file(stage.equals("attack") ? "results.arrow" : "model.params");
        fromBucket.put(entry, stage.equals("attack") ? perExampleDigest(file) : Sha256.of(file));
      }
      assertEquals(directResults, fromBucket, "per-example results and model weights (sha256), read from the bucket");
      long workersWithACache = Stream.of("tm-1", "tm-2")
          .filter(tm -> Files.isDirectory(flinkHome.resolve(tm).resolve("drelu-home"))).count();
      assertTrue(workersWithACache > 0, "the workers kept their S3 downloads in their own folders");
    } finally {
      if (savedHome == null) {
        System.clearProperty("drelu.home");
      } else {
        System.setProperty("drelu.home", savedHome);
      }
    }
  }

  /**
   * SIGKILL a TaskManager while the job runs and start a new one in an empty folder: Flink restarts
   * the job (or, should its restarts run out, a rerun finishes from the store). Either way the
   * results are the Direct runner's and `cache verify` finds nothing half-written.
   */
  @Test
  void aTaskManagerKilledMidRunLosesNothing() throws Exception {
    Path store = dir.resolve("kill-store");
    PipelineSpec pipeline = SpecLoader.load(spec);
    CompletableFuture<ExperimentResult> run = CompletableFuture.supplyAsync(() -> {
      try {
        return ExperimentRunner.run(pipeline, onCluster(store));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    waitFor(() -> hasCommitted(store, "prepare"), 180, "the prepare artifact on the cluster");
    assertFalse(run.isDone(), "the job was still running when the TaskManager was killed");
    long pid = Long.parseLong(Files.readString(flinkHome.resolve("tm-2.pid")).strip());
    ProcessHandle tm = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("TaskManager 2 is not running"));
    new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();
    tm.onExit().get(30, TimeUnit.SECONDS);
    Script again = cluster("taskmanager", "2");
    assertEquals(0, again.exit(), again.toString());

    ExperimentResult result;
    String how;
    try {
      result = run.get(6, TimeUnit.MINUTES);
      how = "Flink restarted the job";
    } catch (ExecutionException e) {
      // the restarts ran out: a rerun picks up what was committed
      result = ExperimentRunner.run(pipeline, onCluster(store));
      assertTrue(result.counts().reused() > 0, "the rerun reused what the failed run committed: " + result.tally());
      how = "a rerun finished from the store (" + result.tally() + ") after: " + e.getCause();
    }
    System.out.println("FlinkClusterTest: after SIGKILL of TaskManager 2, " + how);
    if (how.startsWith("Flink")) {
      String jid = restartedJob(pipeline.name());
      JsonNode history = rest("/jobs/" + jid + "/exceptions").get("exceptionHistory").get("entries");
      assertTrue(history.size() > 0, "the job saw the lost TaskManager and restarted: " + history);
    }
    assertEquals(directResults, resultFiles(store), "per-example results after the kill");
    Result verify = ErrorReportingTest.drelu("cache", "verify", "--store", store.toString());
    assertEquals(0, verify.code(), verify.out() + verify.err());
    // a SIGKILLed worker cannot tidy its staging folder: what must hold is that nothing reads it (verify
    // above, the results) and that gc, run when no pipeline is, removes it
    Result gc = ErrorReportingTest.drelu("cache", "gc", "--store", store.toString());
    assertEquals(0, gc.code(), gc.out() + gc.err());
    try (Stream<Path> staging = Files.list(store.resolve(".staging"))) {
      assertEquals(List.of(), staging.toList(), "no half-written artifact left in staging after gc");
    } catch (java.nio.file.NoSuchFileException none) {
      // nothing was ever staged there: nothing left either
    }
  }

  /**
   * ci/launch.sh as CI runs it: runner, cluster, an S3 store and the tracking server from the environment;
   * the table in the log and the step summary, the report copied, the exit code following
   * --fail-on-masking, and the parent MLflow run holding the report (read back over REST).
   */
  @Test
  void launchShRunsASpecOnTheClusterAndTheParentRunHoldsTheReport() throws Exception {
    try (S3ProxyServer s3 = S3ProxyServer.start(Files.createDirectories(dir.resolve("launch-s3")))) {
      launchOnTheClusterWithAnS3Store(s3.location("drelu-launch", "ci"));
    }
  }

  /** ci/launch.sh with the cluster, the S3 store and the MLflow server, all from its environment. */
  private void launchOnTheClusterWithAnS3Store(String store) throws Exception {
    String tracking = System.getenv("MLFLOW_TRACKING_URI");
    assertNotNull(tracking, "MLFLOW_TRACKING_URI is not set: run the tests with ci/test.sh, which starts the server");
    String experiment = "drelu-test-launch-" + UUID.randomUUID();
    Path launchSpec = TinyPipeline.write(Files.createDirectories(dir.resolve("launch")), experiment, 2);
    Path reports = dir.resolve("ci-report");
    Path stepSummary = dir.resolve("step-summary.md");

    ProcessBuilder pb = new ProcessBuilder("bash", ROOT.resolve("ci/launch.sh").toString(), launchSpec.toString(),
        "--fail-on-masking");
    Map<String, String> env = pb.environment();
    env.put("DRELU_RUNNER", "flink");
    env.put("DRELU_FLINK_MASTER", master.toString());
    env.put("DRELU_STORE", store);
    env.put("AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY); // as a CI secret would give them
    env.put("AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY);
    env.put("MLFLOW_TRACKING_URI", tracking);
    env.put("DRELU_REPORT_DIR", reports.toString());
    env.put("GITHUB_STEP_SUMMARY", stepSummary.toString());
    env.put("DRELU_HOME", dir.resolve("launch-home").toString());
    env.put("DRELU_CLASSPATH", System.getProperty("java.class.path")); // this build's classes, no nested build
    env.put("DRELU_XMX", "1g");
    Path log = dir.resolve("launch.log");
    pb.directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
    Process p = pb.start();
    if (!p.waitFor(8, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      fail("ci/launch.sh did not finish in 8 minutes:\n" + Files.readString(log));
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);

    JsonNode summary = JSON.readTree(reports.resolve("summary.json").toFile());
    long flagged = 0;
    for (JsonNode row : summary.get("rows")) {
      flagged += "yes".equals(row.get("masking").asText()) ? 1 : 0;
    }
    assertEquals(flagged > 0 ? 3 : 0, p.exitValue(), "exit code with --fail-on-masking and " + flagged
        + " flagged model(s):\n" + out);
    assertTrue(out.contains("| dense-drelu s1 |"), "the table is in the log:\n" + out);
    assertTrue(Files.readString(stepSummary).contains("| dense-relu s1  |"), "the table is in the step summary");
    assertTrue(Files.size(reports.resolve("report/index.html")) > 0, "the report was copied");
    assertTrue(ArtifactStore.open(store).list().stream().anyMatch(m -> m.stage().equals("summarise")),
        "the summary artifact is in the bucket");
    assertTrue(rest("/jobs/overview").get("jobs").findValuesAsText("name").contains("drelu-tiny"),
        "the job ran on the cluster");

    MlflowClient client = new MlflowClient(tracking);
    try {
      String experimentId = client.getExperimentByName(experiment).orElseThrow().getExperimentId();
      List<RunInfo> parents = client.searchRuns(List.of(experimentId), "tags.`drelu.stage` = 'pipeline'");
      assertEquals(1, parents.size(), "one parent run");
      assertEquals("FINISHED", parents.get(0).getStatus().name());
      String runId = parents.get(0).getRunId();
      // the REST API itself: the Java client's listArtifacts shells out to a Python mlflow
      JsonNode listed = get(tracking + "/api/2.0/mlflow/artifacts/list?run_id=" + runId + "&path=report");
      List<String> report = listed.path("files").findValuesAsText("path");
      assertTrue(report.contains("report/index.html"), "the parent run holds the report: " + listed);
      JsonNode index = listed.path("files").findParents("path").stream()
          .filter(f -> f.get("path").asText().equals("report/index.html")).findFirst().orElseThrow();
      assertEquals(Files.size(reports.resolve("report/index.html")), index.get("file_size").asLong(),
          "the whole report page was uploaded");
      List<RunInfo> all = client.searchRuns(List.of(experimentId), "");
      List<String> children = all.stream().filter(r -> !r.getRunId().equals(runId)).map(RunInfo::getRunName).toList();
      assertEquals(10, children.stream().distinct().count(),
          "one child run per task (logged from the TaskManagers): " + children);
      if (all.size() != 11) {
        // A job the cluster restarted (its restart-strategy, after a TaskManager missed its 10 s of
        // heartbeats on a loaded machine, say) runs its tasks again, and each logs again (reusing what
        // it committed). Twice in CI this counted 13 and 14 runs; without a restart they are a bug.
        int failures = jobFailures("drelu-tiny");
        assertTrue(failures > 0, all.size() + " runs where the parent and one per task make 11, and the job"
            + " never failed over: " + children);
      }
    } finally {
      client.close();
    }
  }

  // ------------------------------------------------------------------------------------ helpers

  private static RunOptions onCluster(Path store) {
    return onCluster(store.toString());
  }

  /** @param store a store location: a folder or an s3:// location */
  private static RunOptions onCluster(String store) {
    return new RunOptions(RunOptions.Runner.FLINK, 2, store, TrackingConfig.disabled(), CacheControl.reuse(), "cpu",
        master);
  }

  /**
   * Every committed attack artifact's per-example results and every trained model's weights:
   * "attack/KEY" -> sha256 of the per-example columns of results.arrow, "train/KEY" -> sha256 of
   * model.params. The results file's own bytes cannot be compared: its Arrow metadata holds the
   * attack's wall time ({@code drelu.seconds}), which differs between any two runs, on one runner too.
   */
  private static Map<String, String> resultFiles(Path store) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> keys = Files.list(store.resolve("attack"))) {
      for (Path key : keys.toList()) {
        out.put("attack/" + key.getFileName(), perExampleDigest(key.resolve("results.arrow")));
      }
    }
    try (Stream<Path> keys = Files.list(store.resolve("train"))) {
      for (Path key : keys.toList()) {
        out.put("train/" + key.getFileName(), Sha256.of(key.resolve("model.params")));
      }
    }
    return out;
  }

  /** sha256 of every column, exactly (doubles print as the shortest decimal that reads back the same). */
  private static String perExampleDigest(Path resultsArrow) throws IOException {
    ColumnTable t = ArrowTables.read(resultsArrow);
    StringBuilder all = new StringBuilder("rows=" + t.rowCount() + "\n");
    for (String name : t.columnNames()) {
      String values = switch (t.type(name)) {
        case INT32 -> Arrays.toString(t.ints(name));
        case INT64 -> Arrays.toString(t.longs(name));
        case FLOAT64 -> Arrays.toString(t.doubles(name));
        case UTF8 -> Arrays.toString(t.strings(name));
      };
      all.append(name).append('=').append(values).append('\n');
    }
    assertTrue(t.rowCount() > 0, resultsArrow + " has no examples");
    return Sha256.of(all.toString());
  }

  private static boolean hasCommitted(Path store, String stage) {
    try (Stream<Path> keys = Files.list(store.resolve(stage))) {
      return keys.anyMatch(k -> Files.exists(k.resolve("manifest.json")));
    } catch (IOException e) {
      return false;
    }
  }

  /** @return the finished job of this spec whose history holds a failure */
  private static String restartedJob(String specName) throws Exception {
    for (JsonNode job : rest("/jobs/overview").get("jobs")) {
      String jid = job.get("jid").asText();
      if (job.get("name").asText().equals("drelu-" + specName) && job.get("state").asText().equals("FINISHED")
          && rest("/jobs/" + jid + "/exceptions").get("exceptionHistory").get("entries").size() > 0) {
        return jid;
      }
    }
    throw new AssertionError("no finished job with a failure in its history among " + rest("/jobs/overview"));
  }

  /** The Flink JobManager's REST API. */
  /** @return how many failures Flink recorded for the latest job called {@code name} (each one restarts it) */
  private static int jobFailures(String name) throws Exception {
    JsonNode latest = null;
    for (JsonNode job : rest("/jobs/overview").get("jobs")) {
      if (job.get("name").asText().equals(name)
          && (latest == null || job.get("start-time").asLong() > latest.get("start-time").asLong())) {
        latest = job;
      }
    }
    assertNotNull(latest, "no job called " + name + " on the cluster");
    return rest("/jobs/" + latest.get("jid").asText() + "/exceptions").path("exceptionHistory").path("entries").size();
  }

  private static JsonNode rest(String path) throws Exception {
    return get("http://" + master + path);
  }

  private static JsonNode get(String url) throws Exception {
    HttpResponse<String> res = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, res.statusCode(), url + ": " + res.body());
    return JSON.readTree(res.body());
  }

  private static void waitFor(java.util.function.BooleanSupplier condition, int seconds, String what)
      throws InterruptedException {
    for (int i = 0; i < seconds * 4; i++) {
      if (condition.getAsBoolean()) {
        return;
      }
      Thread.sleep(250);
    }
    fail("no " + what + " after " + seconds + " s");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  record Script(int exit, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
    }
  }

  private static Script cluster(String... args) {
    try {
      ProcessBuilder pb = new ProcessBuilder("bash", ROOT.resolve("ci/flink-cluster.sh").toString());
      pb.command().addAll(List.of(args));
      pb.environment().put("DRELU_FLINK_HOME", flinkHome.toString());
      pb.environment().put("DRELU_FLINK_PORT", Integer.toString(restPort));
      pb.environment().put("DRELU_FLINK_RPC_PORT", Integer.toString(rpcPort));
      // the workers' own credentials for the S3 store (s3proxy's fixed test identity)
      pb.environment().put("AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY);
      pb.environment().put("AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY);
      Files.createDirectories(flinkHome);
      Path out = flinkHome.resolve("script.out");
      Path err = flinkHome.resolve("script.err");
      pb.redirectOutput(out.toFile()).redirectError(err.toFile());
      Process p = pb.start();
      if (!p.waitFor(4, TimeUnit.MINUTES)) {
        p.destroyForcibly();
      }
      return new Script(p.isAlive() ? -1 : p.exitValue(), Files.readString(out), Files.readString(err));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void stopCluster() {
    if (flinkHome != null && Files.isDirectory(flinkHome)) {
      cluster("stop");
    }
  }
}
