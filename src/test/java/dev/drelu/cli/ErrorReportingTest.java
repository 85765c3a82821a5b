package dev.drelu.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.drelu.data.DatasetPreparer;
import java.io.EOFException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user sees when a run fails on a damaged file: the message names the file, says what is
 * wrong and what to do, and says the low-level cause once. Runs drelu's real command line in this
 * JVM, on real Fashion-MNIST files of which one is cut short.
 */
class ErrorReportingTest {
  @TempDir Path dir;

  record Result(int code, String out, String err) {}

  static Result drelu(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  /** The four Fashion-MNIST files, with the training images cut in the middle of their gzip stream. */
  private Path fashionMnistWithCutTrainingImages() throws IOException {
    Path source = Path.of(DatasetPreparer.FASHION_MNIST);
    if (!Files.isDirectory(source)) {
      fail(source + " does not exist: apt-get install -y dataset-fashion-mnist (ci/test.sh does)");
    }
    Path folder = Files.createDirectories(dir.resolve("fashion"));
    for (String name : List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")) {
      Files.copy(source.resolve(name), folder.resolve(name));
    }
    Path images = folder.resolve("train-images-idx3-ubyte.gz");
    byte[] bytes = Files.readAllBytes(images);
    Files.write(images, Arrays.copyOf(bytes, bytes.length / 3));
    return folder;
  }

  private Path spec(Path data) throws IOException {
    return Files.writeString(dir.resolve("cut.yaml"), """
        name: cut
        dataset:
          name: fashion-cut
          source: idx
          path: %s
          train-limit: 100
          test-limit: 50
        training:
          max-epochs: 1
        models:
          - name: dense-relu
            architecture: dense
            hidden: [8, 8]
        """.formatted(data));
  }

  @Test
  void runOnACutGzipFileNamesTheFileTheCauseOnceAndWhatToDo() throws IOException {
    Path data = fashionMnistWithCutTrainingImages();
    Path cut = data.resolve("train-images-idx3-ubyte.gz");
    Result r = drelu("run", spec(data).toString(), "--store", dir.resolve("store").toString(), "--no-tracking",
        "--quiet");

    assertEquals(1, r.code(), r.err());
    List<String> lines = r.err().lines().filter(l -> l.startsWith("drelu: ")).toList();
    assertEquals(1, lines.size(), r.err());
    assertEquals("drelu: " + cut + ": broken gzip stream: Unexpected end of ZLIB input stream; the file is damaged"
        + " or was cut short: get it again (Fashion-MNIST: apt-get install --reinstall dataset-fashion-mnist;"
        + " MNIST: download it again)", lines.get(0));
    assertEquals(1, r.err().split("Unexpected end of ZLIB input stream", -1).length - 1,
        "the cause is said once: " + r.err());
    assertFalse(r.err().contains("Exception: "), "no class names for the user: " + r.err());
    assertTrue(r.err().contains("run with --verbose for the stack trace"), r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace without --verbose: " + r.err());
  }

  @Test
  void verboseStillGivesTheStackTrace() throws IOException {
    Path data = fashionMnistWithCutTrainingImages();
    Result r = drelu("run", spec(data).toString(), "--store", dir.resolve("store").toString(), "--no-tracking",
        "--quiet", "--verbose");
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains("drelu: " + data.resolve("train-images-idx3-ubyte.gz") + ": broken gzip stream"),
        r.err());
    assertTrue(r.err().contains("at dev.drelu.data.IdxReader.readIdx"), r.err());
    assertTrue(r.err().contains("Caused by: java.io.EOFException: Unexpected end of ZLIB input stream"), r.err());
  }

  // ------------------------------------------------------------- how a cause chain is told

  @Test
  void aWrapperThatOnlyRepeatsItsCauseIsLeftOutAndTheCheckpointHintKept() {
    // Beam wraps a stage's failure as PipelineExecutionException(cause), whose message is the
    // cause's toString(); the checkpoint loader's message quotes its own root cause
    Path checkpoint = dir.resolve("store/.work/train/abc/live");
    EOFException root = new EOFException("Unexpected end of ZLIB input stream");
    IOException resume = new IOException("cannot resume from checkpoint " + checkpoint + ": " + root.getMessage()
        + "; delete " + checkpoint.getParent() + " to train from scratch", root);
    Throwable failure = new Pipeline.PipelineExecutionException(new RuntimeException(resume));

    assertEquals(List.of(resume.getMessage()), dev.drelu.core.ErrorMessages.describe(failure));
  }

  @Test
  void distinctMessagesAreAllKeptOutermostFirst() {
    IOException root = new IOException("disk quota exceeded");
    IllegalStateException outer = new IllegalStateException("train dense-relu s1 failed", root);
    assertEquals(List.of("train dense-relu s1 failed", "disk quota exceeded"), dev.drelu.core.ErrorMessages.describe(outer));
    // the MLflow error tags hold the same chain on one line, not the bare root cause
    assertEquals("train dense-relu s1 failed; caused by: disk quota exceeded", dev.drelu.core.ErrorMessages.oneLine(outer));
  }

  @Test
  void aBarePathSaysWhatHappenedToIt() {
    Path missing = dir.resolve("gone.arrow");
    assertEquals(List.of(missing + ": no such file or folder"),
        dev.drelu.core.ErrorMessages.describe(new java.io.UncheckedIOException(new NoSuchFileException(missing.toString()))));
  }

  @Test
  void noMessageAnywhereGivesTheRootsClassName() {
    assertEquals(List.of("java.lang.NullPointerException"),
        dev.drelu.core.ErrorMessages.describe(new RuntimeException(new NullPointerException())));
  }
}
