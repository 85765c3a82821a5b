package dev.drelu.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drelu.cli.ErrorReportingTest.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Bad command-line values stop a command before it reads a spec, writes a file or starts an engine,
 * with every bad value named and exit code 2. Runs drelu's real command line in this JVM.
 */
class OptionValidationTest {
  @TempDir Path dir;

  @Test
  void runRefusesEveryBadEnvironmentValueAtOnceBeforeAnyWork() {
    Path store = dir.resolve("store");
    // the spec does not exist: had the command gone on, it would have failed on that instead
    Result r = ErrorReportingTest.drelu("run", dir.resolve("missing.yaml").toString(), "--store", store.toString(),
        "--no-tracking", "--torch-threads", "-1", "--parallelism", "0", "--device", "gpu:x", "--runner", "spark",
        "--only", "trian", "--force", "atack");

    assertEquals(CommandLine.ExitCode.USAGE, r.code(), r.err());
    assertTrue(r.err().startsWith("drelu run: 6 bad option value(s); nothing was run:\n"), r.err());
    for (String problem : new String[] {
        "--torch-threads must be at least 1 (PyTorch threads per task), but was: -1",
        "--parallelism must be at least 1 (tasks run at once), but was: 0",
        "--runner must be direct or flink, but was: spark",
        "--device must be auto, cpu, gpu or gpu:N (N a GPU number), but was: gpu:x",
        "stage must be one of", "but was: trian", "but was: atack"}) {
      assertTrue(r.err().contains(problem), "'" + problem + "' missing from:\n" + r.err());
    }
    assertFalse(r.err().contains("missing.yaml"), "the spec was not read: " + r.err());
    assertFalse(Files.exists(store), "nothing was written");
    assertFalse("-1".equals(System.getProperty("ai.djl.pytorch.num_threads")),
        "the bad thread count never reached PyTorch's setting");
  }

  @Test
  void planAndQuickstartCheckTheSameValues() {
    Result plan = ErrorReportingTest.drelu("plan", "pipelines/quickstart.yaml", "--store",
        dir.resolve("store").toString(), "--from", "everything");
    assertEquals(CommandLine.ExitCode.USAGE, plan.code(), plan.err());
    assertTrue(plan.err().startsWith("drelu plan: 1 bad option value(s); nothing was run:\n  stage must be one of"),
        plan.err());
    Result quick = ErrorReportingTest.drelu("quickstart", "--torch-threads", "0", "--no-tracking");
    assertEquals(CommandLine.ExitCode.USAGE, quick.code(), quick.err());
    assertTrue(quick.err().contains("--torch-threads must be at least 1 (PyTorch threads per task), but was: 0"),
        quick.err());
  }

  @Test
  void benchRefusesZeroCountsBeforeReadingItsSpec() {
    Result r = ErrorReportingTest.drelu("bench", "--spec", dir.resolve("missing.yaml").toString(), "--steps", "0",
        "--epochs", "-2", "--batch-size", "0", "--attack-images", "-1", "--memory-images", "-1", "--torch-threads",
        "-1");
    assertEquals(CommandLine.ExitCode.USAGE, r.code(), r.err());
    assertTrue(r.err().startsWith("drelu bench: 6 bad option value(s); nothing was run:\n"), r.err());
    assertTrue(r.err().contains("--steps must be at least 1 (training steps per epoch), but was: 0"), r.err());
    assertTrue(r.err().contains("--memory-images must be at least 0 (0 skips the memory watch), but was: -1"),
        r.err());
    assertFalse(r.err().contains("missing.yaml"), r.err());
  }

  @Test
  void aStoreThatIsAFileIsRefused() throws Exception {
    Path file = Files.writeString(dir.resolve("store.txt"), "not a folder");
    Result ls = ErrorReportingTest.drelu("cache", "ls", "--store", file.toString());
    assertEquals(CommandLine.ExitCode.USAGE, ls.code(), ls.err());
    assertEquals("drelu: --store must be a folder, but " + file + " is a file\n", ls.err());
    Result run = ErrorReportingTest.drelu("run", "pipelines/quickstart.yaml", "--store", file.toString(),
        "--no-tracking");
    assertEquals(CommandLine.ExitCode.USAGE, run.code(), run.err());
    assertTrue(run.err().contains("--store must be a folder, but " + file + " is a file"), run.err());
  }

  /**
   * A remote Flink cluster is checked before anything is read or written: the address's form, that
   * it goes with --runner flink, and that a JobManager answers there (a port nobody listens on).
   */
  @Test
  void aBadFlinkMasterIsRefusedBeforeAnyWork() throws Exception {
    Path store = dir.resolve("store");
    int closed;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort(); // free once closed: a connection there is refused
    }
    String[][] cases = {
        {"--runner", "flink", "--flink-master", "127.0.0.1"},
        {"--runner", "flink", "--flink-master", "127.0.0.1:99999"},
        {"--runner", "flink", "--flink-master", "http://127.0.0.1:8081"},
        {"--flink-master", "127.0.0.1:" + closed},
        {"--runner", "flink", "--flink-master", "127.0.0.1:" + closed},
    };
    String[] expected = {
        "--flink-master must be HOST:PORT of the JobManager's REST API (e.g. 127.0.0.1:8081), but was: '127.0.0.1'",
        "--flink-master port must be 1-65535, but was: 99999",
        "--flink-master must be HOST:PORT of the JobManager's REST API (e.g. 127.0.0.1:8081), but was:"
            + " 'http://127.0.0.1:8081'",
        "--flink-master needs --runner flink (with --runner direct the job would run here, not on the cluster);"
            + " add --runner flink or drop --flink-master",
        "--flink-master 127.0.0.1:" + closed + ": no Flink JobManager answers at http://127.0.0.1:" + closed
            + "/overview (connection refused); start the cluster (ci/flink-cluster.sh start) or check the host and"
            + " the REST port (rest.port)",
    };
    for (int i = 0; i < cases.length; i++) {
      java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("run",
          dir.resolve("missing.yaml").toString(), "--store", store.toString(), "--no-tracking"));
      args.addAll(java.util.List.of(cases[i]));
      Result r = ErrorReportingTest.drelu(args.toArray(String[]::new));
      assertEquals(CommandLine.ExitCode.USAGE, r.code(), r.err());
      assertTrue(r.err().startsWith("drelu run: 1 bad option value(s); nothing was run:\n  " + expected[i] + "\n"),
          "case " + i + ":\n" + r.err());
      assertFalse(Files.exists(store), "nothing was written");
    }
  }
}
