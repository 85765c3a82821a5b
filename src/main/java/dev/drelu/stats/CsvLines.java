package dev.drelu.stats;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * CSV text (RFC 4180, read by Apache Commons CSV) as records that know the line they start on, so
 * that every reader can say where a problem is. A quoted field may hold commas, {@code ""} for a
 * quote, and line breaks; the record then starts on the line of its first field. Blank lines and
 * lines starting with {@code #} are left out; a {@code #} after spaces also makes a comment, but
 * that line is read as CSV first, so a quote in it must be closed. Spaces around fields and
 * around quoted fields are dropped, as the hand-written reader before did.
 */
public final class CsvLines {
  // The comment marker makes the parser skip '#' lines at column 0 whole, so a quote in a comment
  // cannot open a field; empty lines are kept (and dropped here) so that the line count below,
  // taken between records, only ever skips comment lines.
  private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder()
      .setCommentMarker('#')
      .setIgnoreEmptyLines(false)
      .setIgnoreSurroundingSpaces(true)
      .setTrailingData(true)
      .get();

  private CsvLines() {}

  /**
   * One record.
   *
   * @param number the 1-based line it starts on
   * @param fields its fields, quotes removed, as read
   */
  public record Line(int number, List<String> fields) {
    public Line {
      fields = List.copyOf(fields);
    }

    /** @return field {@code index} without surrounding white space, "" where the line is short */
    public String field(int index) {
      return index >= 0 && index < fields.size() ? fields.get(index).strip() : "";
    }
  }

  /**
   * The header line's columns, looked up by name without case; the first of equal names counts.
   *
   * @param line the header
   */
  public record Header(Line line) {
    /** @return the index of column {@code name}, or -1 */
    public int column(String name) {
      for (int i = 0; i < line.fields().size(); i++) {
        if (line.field(i).equalsIgnoreCase(name)) {
          return i;
        }
      }
      return -1;
    }

    /** @return the names in {@code required} the header lacks, in their order */
    public List<String> missing(List<String> required) {
      return required.stream().filter(r -> column(r) < 0).toList();
    }

    /** @return the number of columns */
    public int size() {
      return line.fields().size();
    }

    /** @return the header as it reads, for messages */
    public String text() {
      return String.join(",", line.fields()).strip();
    }
  }

  /**
   * The records of a text, and what kept the rest from being read.
   *
   * @param lines the records, blank and comment lines left out
   * @param problems "source:line: what is wrong" for a quoted field that is never closed; it comes
   *     after every line in {@code lines}, so a reader lists it after its own problems with them
   */
  public record Records(List<Line> lines, List<String> problems) {
    public Records {
      lines = List.copyOf(lines);
      problems = List.copyOf(problems);
    }
  }

  /**
   * @param text the CSV text
   * @param source the file name used in messages
   * @return the records; those before a quoted field that is never closed, and that problem
   */
  public static Records read(String text, String source) {
    String[] physical = text.split("\r\n|\r|\n", -1);
    List<Line> out = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    try (CSVParser parser = CSVParser.parse(text, FORMAT)) {
      Iterator<CSVRecord> records = parser.iterator();
      while (true) {
        // lines consumed by the records so far; the next record starts after them and after the
        // comment lines the parser skips before it
        int start = firstNonComment(physical, (int) parser.getCurrentLineNumber());
        try {
          if (!records.hasNext()) {
            break;
          }
        } catch (UncheckedIOException e) {
          problems.add(source + ":" + start + ": a quoted field is not closed, so it runs to the end of the file; "
              + "add the closing \" (a quote inside a quoted field is written \"\")");
          break;
        }
        List<String> fields = records.next().toList();
        if (!isBlank(fields) && !isIndentedComment(physical, start)) {
          out.add(new Line(start, fields));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a String is read: no I/O can fail
    }
    return new Records(out, problems);
  }

  /** @return the 1-based number of the first line from index {@code consumed} on that is no '#' comment */
  private static int firstNonComment(String[] physical, int consumed) {
    int i = consumed;
    while (i < physical.length && physical[i].startsWith("#")) {
      i++;
    }
    return i + 1;
  }

  /** @return whether the record is a blank line; ",,," is not, it is a line of empty fields */
  private static boolean isBlank(List<String> fields) {
    return fields.size() <= 1 && fields.stream().allMatch(String::isBlank);
  }

  // the parser only knows comments at column 0; a quoted "#..." field is data, so the raw line decides
  private static boolean isIndentedComment(String[] physical, int line) {
    return line <= physical.length && physical[line - 1].stripLeading().startsWith("#");
  }
}
