package dev.drelu.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** drelu reproduce on a spec that names no paper table: one line saying which spec and what to add, nothing run. */
class ReproduceCommandTest {
  @TempDir Path dir;

  @Test
  void aSpecWithoutAPaperTableIsAOneLineError() throws Exception {
    String tiny = Files.readString(Path.of("pipelines/mnist-table-repro-tiny.yaml"));
    assertTrue(tiny.contains("\npaper-table: 1\n"));
    Path spec = Files.writeString(dir.resolve("no-table.yaml"), tiny.replace("\npaper-table: 1\n", "\n"));
    Path store = dir.resolve("store");
    ErrorReportingTest.Result r = ErrorReportingTest.drelu("reproduce", spec.toString(), "--no-tracking",
        "--store", store.toString(), "--out", dir.resolve("out").toString());
    assertEquals(2, r.code(), r.err());
    String[] lines = r.err().strip().split("\n");
    assertEquals(1, lines.length, r.err());
    assertEquals("drelu: " + spec.toAbsolutePath().normalize() + ": names no paper table; add `paper-table: N`"
        + " (1-9, the table of the paper its models reproduce) to compare them with the paper", lines[0]);
    assertFalse(Files.exists(dir.resolve("out")), "nothing written");
    assertFalse(Files.exists(store.resolve("train")), "nothing trained");
  }
}
