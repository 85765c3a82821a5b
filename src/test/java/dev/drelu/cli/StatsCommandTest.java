package dev.drelu.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drelu.store.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class StatsCommandTest {
  static final Path QUICKSTART = Path.of("src/test/resources/dev/drelu/report/quickstart/accuracy.csv");

  @TempDir Path dir;

  record Result(int code, String out, String err) {}

  static Result run(Object command, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(command);
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void statsOfTheQuickstartTable() {
    Result r = run(new StatsCommand(), "--table", QUICKSTART.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("N = 10 rows (architecture x metric), k = 2 methods"), r.out());
    // drelu wins all 10 rows: chi2 = N (k - 1) = 10, and Iman-Davenport is infinite
    assertTrue(r.out().contains("| Friedman | chi2 = 10.0000 | 1 | 0.0016 | differ |"), r.out());
    assertTrue(r.out().contains("| Iman-Davenport | F_F = inf | (1, 9) |"), r.out());
    assertTrue(r.out().contains("- relu vs drelu: 1.0000"), r.out());
  }

  @Test
  void jsonToAFile() throws Exception {
    Path out = dir.resolve("stats.json");
    Result r = run(new StatsCommand(), "--table", QUICKSTART.toString(), "--format", "json", "--alpha", "0.01",
        "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    JsonNode json = Json.CANONICAL.readTree(out.toFile());
    assertEquals(0.01, json.at("/nemenyi/alpha").asDouble());
    assertEquals(2.5758293035489004, json.at("/nemenyi/qAlpha").asDouble(), 1e-9);
    assertEquals(10, json.at("/friedman/rows").asInt());
  }

  @Test
  void badTablesExitTwoWithEveryProblem() throws Exception {
    Path bad = dir.resolve("bad.csv");
    Files.writeString(bad, "architecture,method,metric,accuracy\na,x,clean,abc\na,y,clean,0.5\na,x,pgd,0.1\n");
    Result r = run(new StatsCommand(), "--table", bad.toString());
    assertEquals(CommandLine.ExitCode.USAGE, r.code());
    assertTrue(r.err().contains("drelu stats: 1 problem(s) in the table; nothing was computed:\n  " + bad
        + ":2: accuracy must be a number, but was: abc"), r.err());
    Files.writeString(bad, "architecture,method,metric,accuracy\na,x,clean,0.4\na,x,pgd,0.5\n");
    r = run(new StatsCommand(), "--table", bad.toString());
    assertEquals(CommandLine.ExitCode.USAGE, r.code());
    assertTrue(r.err().contains("drelu stats: the statistics need at least 2 methods to compare"), r.err());
    r = run(new StatsCommand(), "--table", dir.resolve("missing.csv").toString());
    assertTrue(r.err().contains("missing.csv: no such file"), r.err());
    r = run(new StatsCommand());
    assertEquals(CommandLine.ExitCode.USAGE, r.code());
    assertTrue(r.err().contains("Missing required option: '--table=FILE.csv'"), r.err());
  }

  @Test
  void reportCommandWritesThePage() throws Exception {
    Path history = Path.of("src/test/resources/dev/drelu/report/quickstart/history-cnn-drelu-quick-s1.csv");
    Result r = run(new ReportCommand(), "--table", QUICKSTART.toString(), "--out", dir.resolve("r").toString(),
        "--title", "Quickstart", "--history", "cnn-drelu-quick s1=" + history, "--run",
        "pipeline=http://127.0.0.1:5117/#/experiments/1");
    assertEquals(0, r.code(), r.err());
    String html = Files.readString(dir.resolve("r/index.html"));
    assertTrue(html.contains("<h1>Quickstart</h1>") && html.contains("id=\"statistics\"")
        && html.contains("training-1-cnn-drelu-quick-s1.png") && html.contains(">pipeline</a>"), html);
    r = run(new ReportCommand(), "--table", QUICKSTART.toString(), "--out", dir.resolve("r2").toString(),
        "--run", "x=file:///etc/passwd");
    assertEquals(CommandLine.ExitCode.USAGE, r.code());
    assertTrue(r.err().contains("run link url must start with http:// or https://"), r.err());
  }
}
