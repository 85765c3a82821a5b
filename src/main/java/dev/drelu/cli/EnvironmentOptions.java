package dev.drelu.cli;

import dev.drelu.core.DreluHome;
import dev.drelu.core.Progress;
import dev.drelu.pipeline.CacheControl;
import dev.drelu.pipeline.RunOptions;
import dev.drelu.pipeline.Stage;
import dev.drelu.tracking.TrackingConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import picocli.CommandLine.Option;

/** Options every command that runs a pipeline shares: where, how parallel, what to reuse, tracking. */
final class EnvironmentOptions {
  @Option(names = "--runner", defaultValue = "direct",
      description = "direct or flink (embedded cluster, or the one --flink-master names). Default: ${DEFAULT-VALUE}")
  String runner;

  @Option(names = "--flink-master", paramLabel = "HOST:PORT",
      description = "a Flink 1.19 session cluster's JobManager REST address (with --runner flink); parallelism"
          + " defaults to its task slots. The store and the tracking server must be reachable from its workers")
  String flinkMaster;

  /** The remote cluster once validate() found it answering, and its task slots. */
  private dev.drelu.pipeline.FlinkMaster cluster;
  private int clusterSlots;

  @Option(names = "--parallelism", description = "tasks run at once (default: number of cores / torch threads)")
  Integer parallelism;

  @Option(names = "--torch-threads", defaultValue = "1",
      description = "PyTorch intra-op threads per task; parallelism x threads should not exceed the cores. Default: ${DEFAULT-VALUE}")
  int torchThreads;

  @Option(names = "--device", defaultValue = "auto", description = "auto, cpu, gpu or gpu:N. Default: ${DEFAULT-VALUE}")
  String device;

  @picocli.CommandLine.Mixin StoreOption store = new StoreOption();

  @Option(names = "--tracking-uri", description = "MLflow server (default: $MLFLOW_TRACKING_URI)")
  String trackingUri;

  @Option(names = "--no-tracking", description = "do not log to MLflow")
  boolean noTracking;

  @Option(names = "--only", description = "run only this stage; earlier stages must be cached, later ones are skipped")
  String only;

  @Option(names = "--from", description = "recompute this stage and every later one")
  String from;

  @Option(names = "--force", description = "recompute this stage even if cached (repeatable)")
  List<String> force = new ArrayList<>();

  @Option(names = "--no-cache", description = "recompute every stage")
  boolean noCache;

  @Option(names = "--quiet", description = "no progress lines")
  boolean quiet;

  @Option(names = "--verbose", description = "stack traces on errors")
  boolean verbose;

  /**
   * Refuses bad values before any work starts: {@code --torch-threads -1} used to reach PyTorch,
   * {@code --parallelism 0} failed after the spec was read and the smoke data written, and a
   * misspelt stage or device only failed inside a stage.
   *
   * @throws picocli.CommandLine.ParameterException listing every bad value
   */
  void validate(picocli.CommandLine.Model.CommandSpec command) {
    OptionChecks checks = new OptionChecks()
        .atLeast("--torch-threads", torchThreads, 1, "PyTorch threads per task")
        .atLeast("--parallelism", parallelism, 1, "tasks run at once");
    if (!runner.toLowerCase(java.util.Locale.ROOT).matches("direct|flink")) {
      checks.add("--runner must be direct or flink, but was: " + runner);
    }
    if (!device.strip().toLowerCase(java.util.Locale.ROOT).matches("auto|cpu|gpu(:\\d{1,4})?")) {
      checks.add("--device must be auto, cpu, gpu or gpu:N (N a GPU number), but was: " + device);
    }
    List<String> stages = new ArrayList<>();
    if (only != null) {
      stages.add(only);
    }
    if (from != null) {
      stages.add(from);
    }
    stages.addAll(force);
    for (String stage : stages) {
      try {
        Stage.parse(stage);
      } catch (IllegalArgumentException e) {
        checks.add(e.getMessage());
      }
    }
    try {
      store.open(); // an S3 store: reachable, credentials accepted, bucket there, before any work
    } catch (IllegalArgumentException e) {
      checks.add(e.getMessage());
    }
    if (flinkMaster != null) {
      checkCluster(checks);
    }
    checks.throwIfAny(command);
  }

  /** --flink-master: well formed, with --runner flink, answering, and with enough task slots. */
  private void checkCluster(OptionChecks checks) {
    if (!"flink".equalsIgnoreCase(runner)) {
      checks.add("--flink-master needs --runner flink (with --runner " + runner + " the job would run here, not on"
          + " the cluster); add --runner flink or drop --flink-master");
      return;
    }
    try {
      dev.drelu.pipeline.FlinkMaster master = dev.drelu.pipeline.FlinkMaster.parse(flinkMaster);
      int slots = master.totalSlots();
      if (slots == 0) {
        checks.add("--flink-master " + master + ": the JobManager has no TaskManager yet (0 task slots); start one"
            + " (ci/flink-cluster.sh taskmanager 1) and run again");
      } else if (parallelism != null && parallelism > slots) {
        checks.add("--parallelism " + parallelism + " exceeds the " + slots + " task slot(s) of the cluster at "
            + master + "; the job would wait for slots that never come: use at most " + slots);
      } else {
        cluster = master;
        clusterSlots = slots;
      }
    } catch (IllegalArgumentException | IllegalStateException e) {
      checks.add(e.getMessage());
    }
  }

  /** Sets the torch thread count; must run before the engine starts. */
  void applyThreads() {
    Progress.setQuiet(quiet);
    String threads = Integer.toString(torchThreads);
    System.setProperty(dev.drelu.nn.TorchThreads.PROPERTY, threads);
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    System.setProperty("ai.djl.offline", "true");
  }

  CacheControl cacheControl() {
    EnumSet<Stage> forced = EnumSet.noneOf(Stage.class);
    force.forEach(f -> forced.add(Stage.parse(f)));
    return new CacheControl(only == null ? null : Stage.parse(only), from == null ? null : Stage.parse(from),
        forced, noCache);
  }

  /** @return the artifact store's location, as {@link dev.drelu.store.ArtifactStore#open} takes it */
  String storeLocation() {
    return store.location();
  }

  TrackingConfig tracking() {
    String uri = trackingUri != null ? trackingUri : System.getenv("MLFLOW_TRACKING_URI");
    if (noTracking || uri == null || uri.isBlank()) {
      return TrackingConfig.disabled();
    }
    return new TrackingConfig(uri, DreluHome.get().resolve("tracking/journal").toString(), null);
  }

  RunOptions runOptions() {
    RunOptions.Runner r = switch (runner.toLowerCase(java.util.Locale.ROOT)) {
      case "direct" -> RunOptions.Runner.DIRECT;
      case "flink" -> RunOptions.Runner.FLINK;
      default -> throw new IllegalArgumentException("--runner must be direct or flink, but was: " + runner);
    };
    if (cluster != null) {
      // the workers' cores are the cluster's business: its slots say how many tasks run at once,
      // and each TaskManager's own torch threads (ci/flink-cluster.sh: DRELU_TORCH_THREADS) apply
      int p = parallelism != null ? parallelism : clusterSlots;
      return new RunOptions(r, p, storeLocation(), tracking(), cacheControl(), device, cluster);
    }
    int cores = Runtime.getRuntime().availableProcessors();
    int p = parallelism != null ? parallelism : Math.max(1, cores / Math.max(1, torchThreads));
    if (p * torchThreads > cores) {
      Progress.say("drelu", "warning: parallelism " + p + " x torch threads " + torchThreads + " exceeds the "
          + cores + " cores; tasks will slow each other down");
    }
    return new RunOptions(r, p, storeLocation(), tracking(), cacheControl(), device);
  }
}
