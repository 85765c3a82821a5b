package dev.drelu.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
class NumberOperandsTest {
  private static final Pattern CALL =
      Pattern.compile("ai/djl/ndarray/NDArray\\.([a-zA-Z]+):\\(Ljava/lang/Number;");
  private static final Pattern CLASS =
      Pattern.compile("^(?:public |protected |private |final |abstract |static )*(?:class|interface|enum) ([\\w.$]+)");
  private static final List<String> ALLOWED = List.of("eq", "neq", "gt", "gte", "lt", "lte", "clip");
  /**
   * DJL helpers that pass a Java number to an arithmetic op inside the library, where the first
   * pattern cannot see it: {@code NDArrays}' number overloads, and {@code Activation.relu6} (its
   * {@code minimum(6, x)} made MobileNetV2's gradients depend on the garbage collector).
   */
  private static final Pattern LIBRARY_CALL = Pattern.compile(
      "ai/djl/ndarray/NDArrays\\.([a-zA-Z]+):\\((?:[^)]*)Ljava/lang/Number;|ai/djl/nn/Activation\\.(relu6\\w*|leakyRelu\\w*|elu\\w*|selu\\w*)");

  @Test
  void noArithmeticOnJavaNumbersInDreluCode() throws IOException {
    Path classes = Path.of("target/classes/dev/drelu");
    assertTrue(Files.isDirectory(classes), "compile first: " + classes.toAbsolutePath());
    ToolProvider javap = ToolProvider.findFirst("javap").orElseThrow();
    List<String> found = new ArrayList<>();
    int scanned = 0;
    List<String> args = new ArrayList<>(List.of("-c", "-p"));
    try (Stream<Path> files = Files.walk(classes)) {
      files.filter(p -> p.toString().endsWith(".class")).forEach(f -> args.add(f.toString()));
    }
    scanned = args.size() - 2;
    // one javap over every class (one per class took a minute); its output names each class first
    StringWriter out = new StringWriter();
    javap.run(new PrintWriter(out), new PrintWriter(new StringWriter()), args.toArray(String[]::new));
    String current = "?";
    for (String line : out.toString().split("\n")) {
      Matcher header = CLASS.matcher(line);
      if (header.find()) {
        current = header.group(1);
      }
      Matcher library = LIBRARY_CALL.matcher(line);
      while (library.find()) {
        found.add(current + ": " + library.group());
      }
      Matcher m = CALL.matcher(line);
      while (m.find()) {
        if (!ALLOWED.contains(m.group(1))) {
          found.add(current + ": NDArray." + m.group(1) + "(Number)");
        }
      }
    }
    assertTrue(scanned > 100, "scanned only " + scanned + " classes");
    assertEquals(List.of(), found, "use x.op(Scalars.scalar(x, value)) instead");
  }
}
