package dev.drelu.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the fast group honest: every test class under src/test/java that shows a sign of needing
 * a server, starting a child process or running a whole pipeline carries {@link Slow}. A text scan
 * of the sources, so it sees only what a class does itself: a class that reaches such work through
 * a helper other than the ones named below is caught by the per-class times instead (see Slow).
 */
class SlowTagGuardTest {
  private static final Path SOURCES = Path.of("src/test/java");

  /** A sign in a class's source -> why it makes the class slow. */
  private static final Map<Pattern, String> SIGNS = Map.of(
      // `new ProcessBuilder("true")` only fetches a dead pid (allowed by Slow's rule 2)
      Pattern.compile("new ProcessBuilder\\((?!\"true\"\\))|Runtime\\.getRuntime\\(\\)\\.exec"), "starts a process",
      Pattern.compile("KilledRunOwner|Chromium\\.|ScriptServer"), "starts a process (through a helper)",
      Pattern.compile("MLFLOW_TRACKING_URI|sharedUri\\(|FaultyProxy|HttpServer\\.create"), "needs a server",
      Pattern.compile("ExperimentRunner\\.run\\(|TinyPipeline\\.write\\("), "runs a whole pipeline");

  private static final Pattern TEST_METHOD = Pattern.compile("@(Test|ParameterizedTest|RepeatedTest|TestFactory)\\b");
  private static final Pattern SLOW = Pattern.compile("^\\s*@(dev\\.drelu\\.testing\\.)?Slow\\b", Pattern.MULTILINE);

  @Test
  void everyTestClassThatNeedsMoreThanTheJvmIsTaggedSlow() throws IOException {
    assertTrue(Files.isDirectory(SOURCES), "run from the project folder (Maven does): " + SOURCES.toAbsolutePath());
    List<String> untagged = new ArrayList<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java")).sorted()::iterator) {
        if (f.endsWith("SlowTagGuardTest.java")) {
          continue; // its own patterns would match
        }
        String src = Files.readString(f);
        if (!TEST_METHOD.matcher(src).find() || SLOW.matcher(src).find()) {
          continue; // a helper, or already slow
        }
        SIGNS.forEach((sign, why) -> {
          if (sign.matcher(src).find()) {
            untagged.add(SOURCES.relativize(f) + " " + why + " (" + sign.matcher(src).results().findFirst().get().group() + ")");
          }
        });
      }
    }
    assertTrue(untagged.isEmpty(), "put @dev.drelu.testing.Slow on these test classes (see its javadoc):\n  "
        + String.join("\n  ", untagged));
  }
}
