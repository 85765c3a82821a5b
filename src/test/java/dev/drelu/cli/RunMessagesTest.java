package dev.drelu.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drelu.testing.Slow;
import dev.drelu.testing.TinyPipeline;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * What {@code drelu run} prints about tracking and the plan says what happened: tracking off is
 * called off (and nothing claims a copy in MLflow), journaled events are called journaled (never
 * "off"), and under --only the skipped tasks are counted as skipped, not reused. Runs the CLI in
 * this JVM; "server down" is a loopback port where nothing listens, so nothing here needs one.
 */
@Slow
class RunMessagesTest {
  @TempDir Path dir;
  private String savedHome;

  @BeforeEach
  void ownHome() {
    savedHome = System.getProperty("drelu.home");
    System.setProperty("drelu.home", dir.resolve("home").toString()); // the CLI's journal goes here
  }

  @AfterEach
  void restoreHome() {
    if (savedHome == null) {
      System.clearProperty("drelu.home");
    } else {
      System.setProperty("drelu.home", savedHome);
    }
  }

  @Test
  void trackingOffAndTrackingJournaledAreToldApart() throws Exception {
    Path spec = TinyPipeline.write(dir, "messages-" + UUID.randomUUID(), 1);
    Path store = dir.resolve("store");

    String off = run(0, "run", spec.toString(), "--store", store.toString(), "--no-tracking");
    assertTrue(off.contains("MLflow: tracking is off (--no-tracking); nothing was logged"), off);
    assertTrue(line(off, "Report:").endsWith("index.html"), "no MLflow copy is claimed: " + line(off, "Report:"));
    assertTrue(off.contains("(10 of 10 tasks computed, 0 reused)"), off);

    String dead = "http://127.0.0.1:" + dev.drelu.testing.LocalPorts.free();
    String journaled = run(0, "run", spec.toString(), "--store", store.toString(), "--tracking-uri", dead);
    assertFalse(journaled.contains("tracking is off"), journaled);
    String mlflow = line(journaled, "MLflow:");
    assertTrue(mlflow.startsWith("MLflow: tracking server " + dead + " unreachable ("), mlflow);
    Path journal = dir.resolve("home/tracking/journal");
    assertTrue(mlflow.contains(" event(s) wait in ") && mlflow.contains(" journal file(s) in " + journal), mlflow);
    assertTrue(mlflow.contains("replay with ./drelu tracking sync"), mlflow);
    assertFalse(mlflow.contains(" 0 event(s)"), "the run's events are counted: " + mlflow);
    assertTrue(line(journaled, "Report:").contains("(journaled for the MLflow run's artifacts; ./drelu tracking sync uploads it)"),
        line(journaled, "Report:"));
    assertTrue(journaled.contains("(0 of 10 tasks computed, 10 reused)"), journaled);
  }

  @Test
  void onlyCountsTheSkippedTasksAsSkipped() throws Exception {
    Path spec = TinyPipeline.write(dir, "messages-only-" + UUID.randomUUID(), 1);
    String out = run(0, "run", spec.toString(), "--store", dir.resolve("store").toString(), "--no-tracking",
        "--only", "prepare");
    assertTrue(out.contains("(1 of 10 tasks computed, 0 reused, 9 skipped by --only prepare)"), out);

    String plan = run(0, "plan", spec.toString(), "--store", dir.resolve("store").toString(), "--only", "train");
    assertTrue(plan.contains("2 of 10 tasks will compute, 1 reused, 7 skipped by --only train."), plan);
  }

  @Test
  void anUnknownCommandFailsEvenWithHelp() {
    for (String[] args : List.of(new String[] {"repot", "--help"}, new String[] {"repot"},
        new String[] {"repot", "--version"})) {
      StringWriter err = new StringWriter();
      CommandLine cl = Main.commandLine();
      cl.setOut(new PrintWriter(new StringWriter()));
      cl.setErr(new PrintWriter(err, true));
      int rc = cl.execute(args);
      assertEquals(2, rc, String.join(" ", args) + ": " + err);
      assertTrue(err.toString().contains("'repot'"), err.toString());
      assertTrue(err.toString().contains("Did you mean: drelu report"), err.toString());
    }
    assertTrue(run(0, "--help").contains("Usage: drelu"), "plain --help still prints and exits 0");
    assertTrue(run(0, "run", "--help").contains("Usage: drelu run"));
  }

  /** Runs the CLI in this JVM, checks its exit code, returns its stdout. */
  private static String run(int expectedExit, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of(args));
    if (all.contains("--store")) {
      all.addAll(List.of("--parallelism", "1", "--device", "cpu"));
    }
    int rc = cl.execute(all.toArray(String[]::new));
    assertEquals(expectedExit, rc, String.join(" ", args) + "\nstdout:\n" + out + "\nstderr:\n" + err);
    return out.toString();
  }

  private static String line(String text, String prefix) {
    return text.lines().filter(l -> l.startsWith(prefix)).findFirst()
        .orElseThrow(() -> new AssertionError("no line starting with '" + prefix + "' in:\n" + text));
  }

}
