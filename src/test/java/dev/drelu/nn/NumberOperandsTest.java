package dev.drelu.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drelu.testing.Slow;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * drelu's compiled code never hands DJL a Java number as an arithmetic operand (see
 * {@link Scalars} for why such an operand can turn into junk before backward). Comparisons are
 * allowed (they have no gradient), and so is {@code clip}, whose bounds stay attached to the
 * array's manager until it closes.
 */
@Slow
class NumberOperandsTest {
  private static final Pattern CALL =
      Pattern.compile("ai/djl/ndarray/NDArray\\.([a-zA-Z]+):\\(Ljava/lang/Number;");
  private static final List<String> ALLOWED = List.of("eq", "neq", "gt", "gte", "lt", "lte", "clip");

  @Test
  void noArithmeticOnJavaNumbersInDreluCode() throws IOException {
    Path classes = Path.of("target/classes/dev/drelu");
    assertTrue(Files.isDirectory(classes), "compile first: " + classes.toAbsolutePath());
    ToolProvider javap = ToolProvider.findFirst("javap").orElseThrow();
    List<String> found = new ArrayList<>();
    int scanned = 0;
    try (Stream<Path> files = Files.walk(classes)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
        StringWriter out = new StringWriter();
        javap.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "-c", "-p", f.toString());
        Matcher m = CALL.matcher(out.toString());
        while (m.find()) {
          if (!ALLOWED.contains(m.group(1))) {
            found.add(classes.relativize(f) + ": NDArray." + m.group(1) + "(Number)");
          }
        }
        scanned++;
      }
    }
    assertTrue(scanned > 100, "scanned only " + scanned + " classes");
    assertEquals(List.of(), found, "use x.op(Scalars.scalar(x, value)) instead");
  }
}
