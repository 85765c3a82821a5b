package dev.drelu.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real MLflow server of a test's own, started and stopped by {@code tracking/mlflow-server.sh}
 * (the script users run) under a throwaway DRELU_HOME, on a port of its own. DRELU_MLFLOW_VENV
 * (if set) is passed on, so the script reuses an installed venv. Each script call's output goes
 * to {@code <home>/script-<command>.log}, which a failure quotes.
 */
public final class MlflowScriptServer {
  private final Path home;
  private final int port;

  public MlflowScriptServer(Path home, int port) {
    this.home = home;
    this.port = port;
  }

  public String uri() {
    return "http://127.0.0.1:" + port;
  }

  public void start() throws Exception {
    run("start");
  }

  public void stop() throws Exception {
    run("stop");
  }

  private void run(String command) throws Exception {
    Path script = repoRoot().resolve("tracking/mlflow-server.sh");
    ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), command).redirectErrorStream(true);
    pb.environment().put("DRELU_HOME", home.toString());
    pb.environment().put("DRELU_MLFLOW_PORT", String.valueOf(port));
    Files.createDirectories(home);
    Path log = home.resolve("script-" + command + ".log");
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Process p = pb.start();
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("mlflow-server.sh " + command + " did not finish in 300 s; see " + log);
    }
    if (p.exitValue() != 0) {
      fail("mlflow-server.sh " + command + " exited " + p.exitValue() + ":\n" + Files.readString(log));
    }
  }

  private static Path repoRoot() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.exists(d.resolve("tracking/mlflow-server.sh"))) {
        return d;
      }
    }
    throw new IllegalStateException("tracking/mlflow-server.sh not found above " + dir);
  }
}
