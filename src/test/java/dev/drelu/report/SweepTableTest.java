package dev.drelu.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.drelu.stats.TableFormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepTableTest {
  @TempDir Path dir;

  @Test
  void readsTheAccuracyCsvWithTheSweptColumnAndNamesBadLines() throws Exception {
    Path f = dir.resolve("lambda.csv");
    Files.writeString(f, """
        # lambda sweep
        architecture,method,metric,Lambda,accuracy,seed
        dense,"d,relu
        (wide)",clean,0.001,95,1
        dense,"d,relu
        (wide)",clean,x,0.9,1
        dense,relu,clean,0.1,"90
        """);
    var e = assertThrows(TableFormatException.class, () -> SweepTable.read(f, "lambda"));
    assertEquals(List.of(f + ":5: lambda and accuracy must be numbers, but were: x, 0.9",
        f + ":7: a quoted field is not closed, so it runs to the end of the file; add the closing \" "
            + "(a quote inside a quoted field is written \"\")"), e.problems());
    Files.writeString(f, Files.readString(f).replace(",x,", ",0.01,").replace("\"90\n", "90\n"));
    SweepTable t = SweepTable.read(f, "lambda");
    assertEquals(List.of("d,relu\n(wide)", "relu"), t.distinct(SweepTable.Point::method));
    assertEquals(0.95, t.points().get(0).accuracy(), 1e-12, "percentages, as one value is above 1");
    Files.writeString(f, "architecture,method,metric,accuracy\n");
    assertEquals(List.of(f + ":1: header must have the column(s) lambda (required: architecture, method, metric, "
        + "lambda, accuracy; optional: seed), but was: architecture,method,metric,accuracy"),
        assertThrows(TableFormatException.class, () -> SweepTable.read(f, "lambda")).problems());
  }
}
