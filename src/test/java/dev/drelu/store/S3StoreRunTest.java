package dev.drelu.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.drelu.cli.Main;
import dev.drelu.core.Progress;
import dev.drelu.data.ImageDataset;
import dev.drelu.nn.ActivationKind;
import dev.drelu.nn.Classifier;
import dev.drelu.pipeline.CacheControl;
import dev.drelu.pipeline.ExperimentResult;
import dev.drelu.pipeline.ExperimentRunner;
import dev.drelu.pipeline.RunOptions;
import dev.drelu.spec.PipelineSpec;
import dev.drelu.spec.SpecLoader;
import dev.drelu.testing.S3ProxyServer;
import dev.drelu.testing.Slow;
import dev.drelu.testing.TinyPipeline;
import dev.drelu.testing.ToyData;
import dev.drelu.tracking.TrackingConfig;
import dev.drelu.train.Objective;
import dev.drelu.train.Trainer;
import dev.drelu.train.TrainingListener;
import dev.drelu.train.TrainingOutcome;
import dev.drelu.train.TrainingParams;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The S3 store under real work, on s3proxy: a pipeline gives the same result files as on a local
 * store, the CLI's cache commands work on it, bad locations fail before any work, and a training
 * resumes from its mirrored checkpoint on a "machine" with an empty work folder.
 */
@Slow
class S3StoreRunTest {
  static S3ProxyServer server;
  static String savedHome;

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    Progress.setQuiet(true);
    server = S3ProxyServer.start(dir.resolve("s3"));
    // the S3 store's local folders (cache, work, staging) go under a private drelu home
    savedHome = System.getProperty("drelu.home");
    System.setProperty("drelu.home", dir.resolve("home").toString());
  }

  @AfterAll
  static void stop() {
    if (savedHome == null) {
      System.clearProperty("drelu.home");
    } else {
      System.setProperty("drelu.home", savedHome);
    }
    if (server != null) {
      server.close();
    }
  }

  /** @return every artifact's files (name to sha256 and size) by "stage/key" */
  private static Map<String, Map<String, Manifest.FileEntry>> files(ArtifactStore store) throws Exception {
    Map<String, Map<String, Manifest.FileEntry>> out = new TreeMap<>();
    for (Manifest m : store.list()) {
      out.put(m.stage() + "/" + m.key(), new TreeMap<>(m.files()));
    }
    return out;
  }

  @Test
  void aPipelineOnTheS3StoreGivesTheSameResultFilesAsOnALocalStoreAndTheCacheCommandsWorkOnIt(@TempDir Path dir)
      throws Exception {
    PipelineSpec spec = SpecLoader.load(TinyPipeline.write(dir, "drelu-s3-test", 1));
    String s3 = server.location("drelu-run", "tiny");
    ExperimentResult local = ExperimentRunner.run(spec, new RunOptions(RunOptions.Runner.DIRECT, 2,
        dir.resolve("local-store"), TrackingConfig.disabled(), CacheControl.reuse(), "cpu"));
    ExperimentResult remote = ExperimentRunner.run(spec, new RunOptions(RunOptions.Runner.DIRECT, 2, s3,
        TrackingConfig.disabled(), CacheControl.reuse(), "cpu"));
    assertEquals(local.table(), remote.table());
    Map<String, Map<String, Manifest.FileEntry>> onDisk = files(ArtifactStore.open(dir.resolve("local-store").toString()));
    Map<String, Map<String, Manifest.FileEntry>> onS3 = files(ArtifactStore.open(s3));
    assertEquals(onDisk.keySet(), onS3.keySet(), "the same artifacts under the same keys");
    ArtifactStore diskStore = ArtifactStore.open(dir.resolve("local-store").toString());
    ArtifactStore s3Store = ArtifactStore.open(s3);
    int attacks = 0;
    for (String artifact : onDisk.keySet()) {
      String stage = artifact.substring(0, artifact.indexOf('/'));
      String key = artifact.substring(artifact.indexOf('/') + 1);
      if (stage.equals("prepare")) {
        assertEquals(onDisk.get(artifact), onS3.get(artifact), artifact); // the data splits: the same bytes
      } else if (stage.equals("train")) {
        // the weights and the card: the same bytes (history.csv also holds each epoch's wall time)
        for (String file : List.of("model.params", "model.json")) {
          assertEquals(onDisk.get(artifact).get(file), onS3.get(artifact).get(file), artifact + "/" + file);
        }
      } else if (stage.equals("attack")) {
        attacks++;
        // per-example results: the same values (the file's metadata also holds the attack's wall time)
        assertEquals(perExample(diskStore, key), perExample(s3Store, key), artifact);
      }
    }
    assertTrue(attacks >= 2, onDisk.keySet().toString());

    ExperimentResult again = ExperimentRunner.run(spec, new RunOptions(RunOptions.Runner.DIRECT, 2, s3,
        TrackingConfig.disabled(), CacheControl.reuse(), "cpu"));
    assertEquals(0, again.plan().toCompute(), "a second run reuses everything from the bucket");
    // Flink's embedded cluster serialises the DoFns: the location string is all its tasks get
    ExperimentResult flink = ExperimentRunner.run(spec, new RunOptions(RunOptions.Runner.FLINK, 2,
        server.location("drelu-run", "tiny-flink"), TrackingConfig.disabled(), CacheControl.reuse(), "cpu"));
    assertEquals(local.table(), flink.table());

    Result ls = drelu("cache", "ls", "--store", "s3://drelu-run/tiny", "--s3-endpoint", server.endpoint());
    assertEquals(0, ls.code(), ls.err());
    assertEquals(onS3.size(), ls.out().lines().count(), ls.out());
    Result verify = drelu("cache", "verify", "--store", "s3://drelu-run/tiny", "--s3-endpoint", server.endpoint());
    assertEquals(0, verify.code(), verify.err() + verify.out());
    assertTrue(verify.out().contains(onS3.size() + " artifact(s) checked, 0 corrupt"), verify.out());
    Result gc = drelu("cache", "gc", "--store", "s3://drelu-run/tiny", "--s3-endpoint", server.endpoint());
    assertEquals(0, gc.code(), gc.err());
    assertTrue(ArtifactStore.open(s3).find("summarise", remote.plan().summarise().key()).isPresent(),
        "gc keeps committed artifacts");
  }

  /** @return an attack artifact's per-example columns, read through the store's {@link Artifact#file} */
  private static List<String> perExample(ArtifactStore store, String key) throws Exception {
    dev.drelu.attack.AttackOutcome o = dev.drelu.attack.AttackOutcome.fromTable(
        dev.drelu.data.ArrowTables.read(store.open("attack", key).file("results.arrow")));
    return List.of(java.util.Arrays.toString(o.index()), java.util.Arrays.toString(o.label()),
        java.util.Arrays.toString(o.cleanPrediction()), java.util.Arrays.toString(o.adversarialPrediction()),
        java.util.Arrays.toString(o.linf()), java.util.Arrays.toString(o.l2()),
        java.util.Arrays.toString(o.zeroGradient()), java.util.Arrays.toString(o.queries()));
  }

  record Result(int code, String out, String err) {}

  static Result drelu(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void mistypedOrUnusableStoresFailBeforeAnyWorkWithOneLine(@TempDir Path dir) throws Exception {
    Path spec = TinyPipeline.write(dir, "drelu-s3-bad", 1);
    Map<String, String> cases = Map.of(
        "s3:/drelu-run/x", "an S3 store is written s3://bucket/prefix",
        "s4://drelu-run/x", "unknown scheme 's4:'",
        "s3:///x", "has no bucket name",
        "s3://Bad_Bucket/x", "is not a valid S3 bucket name",
        "s3://no-such-bucket/x", "bucket 'no-such-bucket' does not exist");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      Result r = drelu("run", spec.toString(), "--store", c.getKey(), "--s3-endpoint", server.endpoint(),
          "--no-tracking");
      assertEquals(2, r.code(), c.getKey() + ": " + r.err());
      assertTrue(r.err().contains(c.getValue()), c.getKey() + ": " + r.err());
      assertTrue(r.err().contains("nothing was run"), r.err());
      Result ls = drelu("cache", "ls", "--store", c.getKey(), "--s3-endpoint", server.endpoint());
      assertEquals(2, ls.code(), ls.err());
      assertEquals(1, ls.err().lines().count(), ls.err());
      assertTrue(ls.err().contains(c.getValue()), ls.err());
    }
    assertFalse(Files.exists(Path.of("s3:")), "a mistyped URI never becomes a local folder");
  }

  // ---------------------------------------------------------------- checkpoints across machines

  private static final ImageDataset TRAIN = ToyData.halves(256, 1);
  private static final ImageDataset VAL = ToyData.halves(64, 2);

  private static TrainingParams params(int epochs) {
    return new TrainingParams(epochs, 32, 1e-2, 0.0, 0.5, 5, 10, TrainingParams.Monitor.TOTAL, 0, 7);
  }

  private static List<float[]> weights(Classifier c) {
    List<float[]> out = new ArrayList<>();
    c.parameters().forEach(p -> out.add(p.getArray().toFloatArray()));
    return out;
  }

  @Test
  void aTrainingRestartedOnAnotherMachineResumesFromTheNewestMirroredCheckpoint(@TempDir Path dir) throws Exception {
    S3Location loc = S3Location.parse(server.location("drelu-ckpt", "p"));
    S3ArtifactStore machineA = S3ArtifactStore.open(loc, dir.resolve("a"), new S3FileCache(dir.resolve("a-cache")));
    S3ArtifactStore machineB = S3ArtifactStore.open(loc, dir.resolve("b"), new S3FileCache(dir.resolve("b-cache")));
    String key = CacheKey.of("train", 1, Map.of("toy", 1), List.of());
    List<float[]> straight;
    try (Classifier model = Classifier.create(ToyData.dense(ActivationKind.DRELU, 2.0), ToyData.SHAPE, 3, Device.cpu())) {
      new Trainer(params(4), Objective.NATURAL).train(model, TRAIN, VAL, dir.resolve("straight"), TrainingListener.NONE);
      straight = weights(model);
    }
    try (Classifier first = Classifier.create(ToyData.dense(ActivationKind.DRELU, 2.0), ToyData.SHAPE, 3, Device.cpu())) {
      // machine A "dies" after two epochs
      new Trainer(params(2), Objective.NATURAL).mirroredTo(machineA.checkpointMirror("train", key))
          .train(first, TRAIN, VAL, machineA.workDir("train", key), TrainingListener.NONE);
    }
    Path workB = machineB.workDir("train", key);
    assertFalse(Files.exists(workB), "machine B starts with an empty work folder");
    try (Classifier second = Classifier.create(ToyData.dense(ActivationKind.DRELU, 2.0), ToyData.SHAPE, 99, Device.cpu())) {
      // B takes over and "dies" after the third epoch
      TrainingOutcome out = new Trainer(params(3), Objective.NATURAL).mirroredTo(machineB.checkpointMirror("train", key))
          .train(second, TRAIN, VAL, workB, TrainingListener.NONE);
      assertEquals(2, out.resumedFrom());
    }
    try (Classifier third = Classifier.create(ToyData.dense(ActivationKind.DRELU, 2.0), ToyData.SHAPE, 99, Device.cpu())) {
      // A gets the task back: its own checkpoints (epoch 2) are older than the mirror's (epoch 3)
      TrainingOutcome out = new Trainer(params(4), Objective.NATURAL).mirroredTo(machineA.checkpointMirror("train", key))
          .train(third, TRAIN, VAL, machineA.workDir("train", key), TrainingListener.NONE);
      assertEquals(3, out.resumedFrom());
      List<float[]> resumed = weights(third);
      for (int i = 0; i < straight.size(); i++) {
        assertArrayEquals(straight.get(i), resumed.get(i), 1e-6f, "parameter " + i);
      }
    }
  }
}
