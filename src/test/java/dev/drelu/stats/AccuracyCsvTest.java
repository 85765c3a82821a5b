package dev.drelu.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AccuracyCsvTest {
  private static TableFormatException bad(String text) {
    return assertThrows(TableFormatException.class, () -> AccuracyCsv.parse(text, "t.csv"));
  }

  @Test
  void readsColumnsInAnyOrderWithCommentsQuotesAndExtraColumns() {
    AccuracyTable t = AccuracyCsv.parse("""
        # accuracies from elsewhere
        Metric,accuracy,method,ARCHITECTURE,note
        clean,0.95,relu,dense,x
        clean,0.97,"d,relu",dense,"say \"\"hi\"\""

        pgd,0.10,relu,dense,
        pgd,0.31,"d,relu",dense,
        """, "t.csv");
    assertEquals(List.of("relu", "d,relu"), t.methods());
    assertEquals(List.of("clean", "pgd"), t.metrics());
    assertEquals(4, t.rows().size());
    assertEquals("", t.rows().get(0).seed());
  }

  @Test
  void percentagesAreDetectedAndScaled() {
    AccuracyTable t = AccuracyCsv.parse("architecture,method,metric,accuracy\na,x,clean,95.1\na,y,clean,0.5\n", "t");
    assertEquals(0.951, t.rows().get(0).accuracy(), 1e-12);
    assertEquals(0.005, t.rows().get(1).accuracy(), 1e-12);
  }

  @Test
  void writeThenParseGivesTheSameTable() {
    AccuracyTable t = AccuracyCsv.parse("architecture,method,metric,accuracy,seed\n"
        + "a,\"x,1\",clean,0.25,s1\na,y,clean,0.5,s1\na,\"x,1\",clean,0.75,s2\na,y,clean,0.5,s2\n", "t");
    assertEquals(t, AccuracyCsv.parse(AccuracyCsv.write(t), "again"));
  }

  @Test
  void missingColumnIsNamedWithTheHeaderLine() {
    var e = bad("\n# c\narchitecture,method,accuracy\na,x,0.5\n");
    assertEquals(List.of("t.csv:3: header must have the column(s) metric (required: architecture, method, metric, "
        + "accuracy; optional: seed), but was: architecture,method,accuracy"), e.problems());
  }

  @Test
  void theSummaryCsvGetsAHint() {
    var e = bad("model,metric,accuracy\ndense-relu s1,clean,0.95\n");
    assertTrue(e.getMessage().contains("split each model name into architecture and method"), e.getMessage());
  }

  @Test
  void everyBadLineIsReportedAtOnce() {
    var e = bad("""
        architecture,method,metric,accuracy
        a,x,clean,abc
        a,y,clean,120
        a,x,pgd
        a,"y,pgd,0.5
        """);
    assertEquals(List.of(
        "t.csv:2: accuracy must be a number, but was: abc",
        "t.csv:3: accuracy must be in [0, 1] or [0, 100] (%), but was: 120",
        "t.csv:4: accuracy must not be empty (the line has 3 field(s), the header 4)",
        "t.csv:5: a quoted field is not closed, so it runs to the end of the file; add the closing \" "
            + "(a quote inside a quoted field is written \"\")"), e.problems());
  }

  @Test
  void duplicateRowsNameBothLines() {
    var e = bad("architecture,method,metric,accuracy\na,x,clean,0.5\na,y,clean,0.4\na,x,clean,0.6\n");
    assertEquals(List.of("t.csv:4: duplicate row (architecture a, method x, metric clean); first at line 2; "
        + "add a seed column to keep several runs"), e.problems());
  }

  @Test
  void aMethodMissingForSomeRowIsNamed() {
    var e = bad("architecture,method,metric,accuracy\na,x,clean,0.5\na,y,clean,0.4\na,x,pgd,0.1\nb,y,pgd,0.2\n");
    assertEquals(List.of(
        "t.csv:4: architecture a, metric pgd has no row for method(s) y; every architecture x metric needs every method",
        "t.csv:5: architecture b, metric pgd has no row for method(s) x; every architecture x metric needs every method"),
        e.problems());
  }

  @Test
  void emptyFilesAndHeaderOnlyFilesAreRefused() {
    assertTrue(bad("").getMessage().contains("t.csv: the file is empty"));
    assertTrue(bad("architecture,method,metric,accuracy\n").getMessage().contains("t.csv:1: the table has a header but no rows"));
  }

  @Test
  void quotedFieldsMayHoldLineBreaksQuotesAndCommasAndLinesCountFromWhereARecordStarts() {
    String text = "# exported from a spreadsheet\r\n"
        + "architecture,method,metric,accuracy,note\r\n"
        + "dense,\"relu\nwith a break\",clean,0.5,\"a note\r\nover \"\"two\"\" lines, with a comma\"\r\n"
        + "\r\n"
        + "dense,drelu,clean,0.7,\n"
        + "#dense,drelu,clean,0.7 commented out\n"
        + "  # indented comment\n"
        + "dense,\"relu\nwith a break\",pgd,0.1,\n"
        + "dense,drelu,pgd,oops,\n";
    var e = assertThrows(TableFormatException.class, () -> AccuracyCsv.parse(text, "t.csv"));
    assertEquals(List.of("t.csv:12: accuracy must be a number, but was: oops"), e.problems());
    AccuracyTable t = AccuracyCsv.parse(text.replace("oops", "0.3"), "t.csv");
    assertEquals(List.of("relu\nwith a break", "drelu"), t.methods());
    assertEquals(4, t.rows().size());
  }

  @Test
  void anUnclosedQuoteIsNamedAtTheLineItOpensOnAfterEarlierProblems() {
    var e = bad("architecture,method,metric,accuracy\na,x,clean,abc\n# \"comment\na,\"y,clean,0.5\na,x,pgd,0.1\n");
    assertEquals(List.of("t.csv:2: accuracy must be a number, but was: abc",
        "t.csv:4: a quoted field is not closed, so it runs to the end of the file; add the closing \" "
            + "(a quote inside a quoted field is written \"\")"), e.problems());
  }

  @Test
  void writeQuotesWhatNeedsItAndReadsBackNamesWithLineBreaksQuotesAndComments() {
    AccuracyTable t = new AccuracyTable(List.of(
        new AccuracyTable.Row("#conv", "say \"hi\"\nthen, go", "clean", 0.25, ""),
        new AccuracyTable.Row("#conv", "plain", "clean", 0.5, "")));
    String csv = AccuracyCsv.write(t);
    assertEquals("""
        architecture,method,metric,accuracy,seed
        "#conv","say ""hi""
        then, go",clean,0.25,
        "#conv",plain,clean,0.5,
        """, csv);
    assertEquals(t, AccuracyCsv.parse(csv, "again"));
  }
}
