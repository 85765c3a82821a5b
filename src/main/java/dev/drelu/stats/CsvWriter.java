package dev.drelu.stats;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Writes CSV with Apache Commons CSV: RFC 4180 quoting, "\n" line ends (the files are compared
 * and diffed on every platform). A field is quoted when it holds a comma, quote or line break,
 * and also when it starts with space, {@code !}, {@code "} or {@code #} or ends with white space,
 * so that no value reads back as a comment or loses its spaces; the first field of a line is
 * quoted when empty. {@link CsvLines} reads all of it back.
 */
public final class CsvWriter {
  private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setRecordSeparator("\n").get();

  private CsvWriter() {}

  /**
   * @param header the column names
   * @param rows the records, each as long as the header; values are written with toString
   * @return the CSV text
   */
  public static String write(List<String> header, List<? extends List<?>> rows) {
    StringBuilder out = new StringBuilder();
    try (CSVPrinter printer = new CSVPrinter(out, FORMAT)) {
      printer.printRecord(header);
      for (List<?> row : rows) {
        if (row.size() != header.size()) {
          throw new IllegalArgumentException("a CSV row must have " + header.size() + " fields (" + header
              + "), but had " + row.size() + ": " + row);
        }
        printer.printRecord(row);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringBuilder is written: no I/O can fail
    }
    return out.toString();
  }
}
