package dev.drelu.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.drelu.testing.Slow;
import dev.drelu.tracking.MlflowHealth;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code drelu} launcher starts the local MLflow server only for commands that log (run,
 * quickstart, tracking start|ui|sync), never for help, version, other commands or unknown ones, and
 * an unknown command fails whatever follows it. Runs the real script with bash, on the test JVM's
 * classes (DRELU_CLASSPATH, so no build), a throwaway DRELU_HOME and a free port.
 *
 * <p>Where a start must not happen, DRELU_MLFLOW_VENV points at a missing venv: a wrong start then
 * fails at once, saying "mlflow-server: ..." on stderr, instead of leaving a server behind. One
 * test starts a real server to show that what the others look for is what a start leaves.
 */
@Slow
class LauncherTest {
  private static final Path ROOT = repoRoot();

  @TempDir Path home;
  private int port;

  @BeforeEach
  void setUp() throws IOException {
    port = dev.drelu.testing.LocalPorts.free();
    // the MNIST digits are already installed; linking them keeps a wrong data install off the network
    Path deps = ROOT.resolve(".drelu/deps");
    if (Files.exists(deps)) {
      Files.createSymbolicLink(home.resolve("deps"), deps);
    }
  }

  @Test
  void commandsThatDoNotLogNeverStartTheServer() throws Exception {
    List<List<String>> commands = List.of(
        List.of("--help"), List.of("-h"), List.of("--version"),
        List.of("run", "--help"), List.of("quickstart", "--help"), List.of("quickstart", "-h"),
        List.of("plan", "--help"), List.of("cache", "--help"), List.of("stats", "--help"),
        List.of("report", "--help"), List.of("smoke-data", "--help"), List.of("bench", "--help"),
        List.of("tracking", "--help"), List.of("tracking", "status"), List.of("tracking", "sync", "--help"),
        List.of("tracking", "start", "--help"));
    for (List<String> args : commands) {
      Result r = launch(missingVenv(), args);
      assertEquals(0, r.exit, args + " exits 0\n" + r);
      assertNoServerStarted(args, r);
    }
  }

  @Test
  void anUnknownCommandFailsAndStartsNothingWhateverFollowsIt() throws Exception {
    for (List<String> args : List.of(List.of("repot"), List.of("repot", "--help"),
        List.of("repot", "-h"), List.of("repot", "--version"), List.of("repot", "pipelines/quickstart.yaml"))) {
      Result r = launch(missingVenv(), args);
      assertEquals(2, r.exit, args + "\n" + r);
      assertTrue(r.stderr.contains("'repot'") && r.stderr.contains("Did you mean: drelu report"), args + "\n" + r);
      assertNoServerStarted(args, r);
    }
  }

  @Test
  void runAndSyncTryToStartTheServerUnlessToldWhereOrNotTo() throws Exception {
    Path missingSpec = home.resolve("no-such-spec.yaml");
    Result run = launch(missingVenv(), List.of("run", missingSpec.toString()));
    assertTrue(run.stderr.contains("mlflow-server: error: DRELU_MLFLOW_VENV="), "run starts the server\n" + run);
    assertTrue(run.stderr.contains("WARNING: the local MLflow server did not start"), run.toString());
    assertFalse(run.stderr.contains("MLflow UI:"), "no UI address for a server that did not start\n" + run);
    assertNotEquals(0, run.exit, "the spec does not exist\n" + run);

    Result sync = launch(missingVenv(), List.of("tracking", "sync"));
    assertTrue(sync.stderr.contains("mlflow-server: error: DRELU_MLFLOW_VENV="), "sync needs a server\n" + sync);

    assertNoServerStarted(List.of("run", "--no-tracking"),
        launch(missingVenv(), List.of("run", missingSpec.toString(), "--no-tracking")));
    assertNoServerStarted(List.of("run", "--tracking-uri"),
        launch(missingVenv(), List.of("run", missingSpec.toString(), "--tracking-uri", "http://127.0.0.1:" + port)));
  }

  @Test
  void trackingUiStartsARealServerAndLeavesItRunningUntilStop() throws Exception {
    String venv = System.getenv("DRELU_MLFLOW_VENV");
    if (venv == null || !Files.isExecutable(Path.of(venv, "bin", "mlflow"))) {
      fail("DRELU_MLFLOW_VENV must name a venv with the pinned mlflow (ci/test.sh sets it); was: " + venv);
    }
    String uri = "http://127.0.0.1:" + port;
    try {
      Result ui = launch(venv, List.of("tracking", "ui"));
      assertEquals(0, ui.exit, ui.toString());
      assertEquals(uri, ui.stdout.strip(), "ui prints the address of the server it started");
      assertTrue(MlflowHealth.isUp(uri, Duration.ofSeconds(5)), "left running");
      assertTrue(Files.exists(pidFile()), "the pid file the other tests check for");
    } finally {
      Result stop = launch(venv, List.of("tracking", "stop"));
      assertEquals(0, stop.exit, stop.toString());
    }
    assertFalse(MlflowHealth.isUp(uri, Duration.ofSeconds(2)), "stopped");
  }

  /**
   * Every JVM the launcher starts gets glibc malloc settings that keep libtorch's freed memory
   * (bin/native-memory.sh); {@code --version} prints what the JVM was given. A caller's own
   * GLIBC_TUNABLES keeps its keys, and DRELU_MALLOC=default gives glibc's own settings.
   */
  @Test
  void theJvmGetsTheMallocSettingsUnlessToldOtherwise() throws Exception {
    Result tuned = launch(missingVenv(), List.of("--version"));
    assertEquals(0, tuned.exit, tuned.toString());
    assertTrue(tuned.stdout.contains("native allocator: glibc malloc, GLIBC_TUNABLES=glibc.malloc.top_pad=134217728:"
        + "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=17179869184"), tuned.toString());

    Result callers = launch(missingVenv(), List.of("--version"),
        Map.of("GLIBC_TUNABLES", "glibc.malloc.mmap_threshold=1048576:glibc.malloc.perturb=0"));
    assertTrue(callers.stdout.contains("GLIBC_TUNABLES=glibc.malloc.mmap_threshold=1048576:glibc.malloc.perturb=0:"
        + "glibc.malloc.top_pad=134217728:glibc.malloc.trim_threshold=17179869184\n"), callers.toString());

    Result plain = launch(missingVenv(), List.of("--version"), Map.of("DRELU_MALLOC", "default"));
    assertTrue(plain.stdout.contains("native allocator: glibc malloc, its own settings"), plain.toString());
  }

  private void assertNoServerStarted(List<String> args, Result r) {
    assertFalse(r.stderr.contains("mlflow-server:"), args + " tried to start the MLflow server\n" + r);
    assertFalse(Files.exists(pidFile()), args + " left a pid file " + pidFile());
    try (Socket s = new Socket("127.0.0.1", port)) {
      fail(args + ": something listens on the server's port " + port);
    } catch (ConnectException expected) {
      // nothing listens: no server
    } catch (IOException e) {
      fail(args + ": cannot probe port " + port + ": " + e);
    }
  }

  private Path pidFile() {
    return home.resolve("tracking/server-" + port + ".pid");
  }

  private String missingVenv() {
    return home.resolve("no-venv").toString();
  }

  private record Result(int exit, String stdout, String stderr) {
    @Override
    public String toString() {
      return "exit " + exit + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
    }
  }

  private Result launch(String venv, List<String> args) throws Exception {
    return launch(venv, args, Map.of());
  }

  private Result launch(String venv, List<String> args, Map<String, String> extraEnv) throws Exception {
    ProcessBuilder pb = new ProcessBuilder();
    pb.command().addAll(List.of("bash", ROOT.resolve("drelu").toString()));
    pb.command().addAll(args);
    Map<String, String> env = pb.environment();
    env.remove("MLFLOW_TRACKING_URI"); // the launcher manages the local server only without one
    env.put("DRELU_HOME", home.toString());
    env.put("DRELU_MLFLOW_PORT", String.valueOf(port));
    env.put("DRELU_MLFLOW_VENV", venv);
    env.put("DRELU_CLASSPATH", System.getProperty("java.class.path"));
    env.put("DRELU_XMX", "512m");
    env.remove("GLIBC_TUNABLES");
    env.remove("DRELU_MALLOC");
    env.putAll(extraEnv);
    Path out = home.resolve("launch.out");
    Path err = home.resolve("launch.err");
    pb.directory(ROOT.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    if (!p.waitFor(240, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("./drelu " + String.join(" ", args) + " did not finish in 240 s");
    }
    return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }


  private static Path repoRoot() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("drelu")) && Files.exists(d.resolve("tracking/mlflow-server.sh"))) {
        return d;
      }
    }
    throw new IllegalStateException("the drelu launcher is not above " + Path.of("").toAbsolutePath());
  }
}
